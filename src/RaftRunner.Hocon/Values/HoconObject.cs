namespace RaftRunner.Hocon.Values;

/// <summary>
/// An object with its fields in the order they were first written (so rendering a config reads like
/// the file it came from). Mutable only while a document is parsed or resolved; a finished
/// <see cref="Config"/> never changes it again.
/// </summary>
internal sealed class HoconObject : HoconValue
{
    private readonly OrderedDictionary<string, HoconValue> _fields = new(StringComparer.Ordinal);

    public HoconObject(SourcePosition position)
        : base(position)
    {
    }

    public int Count => _fields.Count;

    public IEnumerable<string> Keys => _fields.Keys;

    public IEnumerable<KeyValuePair<string, HoconValue>> Fields => _fields;

    public override bool NeedsResolution
    {
        get
        {
            foreach (var entry in _fields)
            {
                if (entry.Value.NeedsResolution)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HoconValue? value) =>
        _fields.TryGetValue(key, out value);

    /// <summary>Replaces the value in place, keeping the key where it was first written.</summary>
    public void Set(string key, HoconValue value) => _fields[key] = value;

    public void Remove(string key) => _fields.Remove(key);

    public override string Describe() => "an object";
}
