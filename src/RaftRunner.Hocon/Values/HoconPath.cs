namespace RaftRunner.Hocon.Values;

/// <summary>
/// A key path such as <c>raft-runner.node.port</c>, held as its segments so that quoted keys
/// containing dots (<c>"a.b".c</c>) keep their meaning.
/// </summary>
internal sealed class HoconPath : IEquatable<HoconPath>
{
    private readonly string[] _segments;

    private HoconPath(string[] segments)
    {
        _segments = segments;
    }

    public static HoconPath Root { get; } = new([]);

    public int Count => _segments.Length;

    public IReadOnlyList<string> Segments => _segments;

    public string this[int index] => _segments[index];

    /// <summary>The segments joined with dots and no quoting: the name an environment variable would have.</summary>
    public string JoinedPlain => string.Join('.', _segments);

    public static HoconPath Of(IEnumerable<string> segments) => new([.. segments]);

    public HoconPath Append(string key) => new([.. _segments, key]);

    public HoconPath Concat(HoconPath other) => other.Count == 0 ? this : new([.. _segments, .. other._segments]);

    public HoconPath Skip(int count) => new(_segments[count..]);

    public bool StartsWith(HoconPath prefix)
    {
        if (prefix.Count > Count)
        {
            return false;
        }

        for (var i = 0; i < prefix.Count; i++)
        {
            if (!string.Equals(_segments[i], prefix._segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the key can be written without quotes anywhere a key or path appears.</summary>
    public static bool IsBareKey(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    public static string RenderSegment(string segment) => IsBareKey(segment) ? segment : HoconRenderer.Quote(segment);

    public override string ToString() => string.Join('.', _segments.Select(RenderSegment));

    public bool Equals(HoconPath? other) => other is not null && _segments.AsSpan().SequenceEqual(other._segments);

    public override bool Equals(object? obj) => Equals(obj as HoconPath);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var segment in _segments)
        {
            hash.Add(segment, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
