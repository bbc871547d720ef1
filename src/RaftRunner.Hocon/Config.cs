using RaftRunner.Hocon.Parsing;
using RaftRunner.Hocon.Resolution;
using RaftRunner.Hocon.Values;

namespace RaftRunner.Hocon;

/// <summary>
/// An immutable, resolved configuration tree read by dotted paths (<c>raft-runner.raft.rpc-timeout</c>).
/// Getters without a default throw when the setting is missing; getters with a default return it only
/// when the setting is missing or null, never to hide a value of the wrong type.
/// </summary>
public sealed class Config
{
    private readonly HoconObject _root;
    private readonly Func<string, string?> _environment;

    internal Config(HoconObject root, bool isResolved, Func<string, string?> environment)
    {
        _root = root;
        IsResolved = isResolved;
        _environment = environment;
    }

    internal static Config EmptyConfig { get; } =
        new(new HoconObject(default), isResolved: true, Environment.GetEnvironmentVariable);

    public bool IsEmpty => _root.Count == 0;

    /// <summary>False only for a config parsed with <see cref="HoconParseOptions.ResolveSubstitutions"/> off (or merged with one).</summary>
    public bool IsResolved { get; }

    /// <summary>The keys of the root object, in the order they were first written.</summary>
    public IEnumerable<string> Keys => _root.Keys.ToArray();

    /// <summary>True when the path holds a non-null value; false also when the path runs through a non-object.</summary>
    public bool HasPath(string path) => Find(path, wrongTypeIsError: false) is not null;

    public string GetString(string path) => ValueConversions.ToText(Require(path), path);

    public string GetString(string path, string defaultValue) =>
        Find(path) is { } value ? ValueConversions.ToText(value, path) : defaultValue;

    public int GetInt(string path) => ValueConversions.ToInt(Require(path), path);

    public int GetInt(string path, int defaultValue) =>
        Find(path) is { } value ? ValueConversions.ToInt(value, path) : defaultValue;

    public long GetLong(string path) => ValueConversions.ToLong(Require(path), path);

    public long GetLong(string path, long defaultValue) =>
        Find(path) is { } value ? ValueConversions.ToLong(value, path) : defaultValue;

    public double GetDouble(string path) => ValueConversions.ToDouble(Require(path), path);

    public double GetDouble(string path, double defaultValue) =>
        Find(path) is { } value ? ValueConversions.ToDouble(value, path) : defaultValue;

    /// <summary>true/false, and the spec's yes/no and on/off.</summary>
    public bool GetBoolean(string path) => ValueConversions.ToBoolean(Require(path), path);

    public bool GetBoolean(string path, bool defaultValue) =>
        Find(path) is { } value ? ValueConversions.ToBoolean(value, path) : defaultValue;

    /// <summary>A duration such as <c>200ms</c>, <c>5 s</c> or <c>2 days</c>; a bare number is milliseconds.</summary>
    public TimeSpan GetTimeSpan(string path) => ValueConversions.ToTimeSpan(Require(path), path);

    public TimeSpan GetTimeSpan(string path, TimeSpan defaultValue) =>
        Find(path) is { } value ? ValueConversions.ToTimeSpan(value, path) : defaultValue;

    /// <summary>A size in bytes such as <c>64KiB</c> (65,536) or <c>500 kB</c> (500,000); a bare number is bytes.</summary>
    public long GetByteSize(string path) => ValueConversions.ToByteSize(Require(path), path);

    public long GetByteSize(string path, long defaultValue) =>
        Find(path) is { } value ? ValueConversions.ToByteSize(value, path) : defaultValue;

    public IReadOnlyList<string> GetStringList(string path) => ListOf(Require(path), path, ValueConversions.ToText);

    public IReadOnlyList<string> GetStringList(string path, IReadOnlyList<string> defaultValue) =>
        Find(path) is { } value ? ListOf(value, path, ValueConversions.ToText) : defaultValue;

    public IReadOnlyList<int> GetIntList(string path) => ListOf(Require(path), path, ValueConversions.ToInt);

    public IReadOnlyList<int> GetIntList(string path, IReadOnlyList<int> defaultValue) =>
        Find(path) is { } value ? ListOf(value, path, ValueConversions.ToInt) : defaultValue;

    /// <summary>The object at the path as a config of its own; an empty config when the path is missing.</summary>
    public Config GetConfig(string path) =>
        Find(path) is { } value ? new Config(ValueConversions.ToObject(value, path), isResolved: true, _environment) : EmptyConfig;

    /// <summary>A list of objects (<c>peers = [ { id = a }, { id = b } ]</c>) as configs.</summary>
    public IReadOnlyList<Config> GetConfigList(string path) =>
        ListOf(Require(path), path, (element, elementPath) =>
            new Config(ValueConversions.ToObject(element, elementPath), isResolved: true, _environment));

    /// <summary>
    /// This config with <paramref name="fallback"/> underneath: objects merge deeply, and for any other
    /// value this config wins. Unresolved configs merge by HOCON's duplicate-key rules so that a later
    /// <see cref="Resolve()"/> sees both.
    /// </summary>
    public Config WithFallback(Config fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        if (fallback.IsEmpty)
        {
            return this;
        }

        if (IsResolved && fallback.IsResolved)
        {
            return new Config(HoconMerging.MergeResolved(fallback._root, _root), isResolved: true, _environment);
        }

        var merged = (HoconObject)HoconMerging.DeepClone(fallback._root);
        foreach (var field in _root.Fields)
        {
            HoconMerging.Assign(merged, field.Key, HoconMerging.DeepClone(field.Value));
        }

        return new Config(merged, isResolved: false, _environment);
    }

    /// <summary>Resolves substitutions with the environment lookup the config was parsed with.</summary>
    public Config Resolve() => Resolve(_environment);

    public Config Resolve(Func<string, string?> environmentLookup)
    {
        ArgumentNullException.ThrowIfNull(environmentLookup);
        if (IsResolved)
        {
            return this;
        }

        // Resolution rewrites nodes in place; work on a copy so this instance stays as it was.
        var root = (HoconObject)HoconMerging.DeepClone(_root);
        SubstitutionResolver.ResolveInPlace(root, environmentLookup);
        return new Config(root, isResolved: true, environmentLookup);
    }

    /// <summary>The configuration as HOCON text that parses back to the same values.</summary>
    public override string ToString() => HoconRenderer.Render(_root);

    private HoconValue Require(string path)
    {
        var value = Find(path, wrongTypeIsError: true, includeNull: true);
        if (value is null)
        {
            throw new ConfigurationException("no setting at this path", new SourcePosition(_root.Position.FileName, 0, 0), path);
        }

        if (value is HoconScalar { Kind: HoconScalarKind.Null })
        {
            throw new ConfigurationException("the setting is null", value.Position, path);
        }

        return value;
    }

    private HoconValue? Find(string path, bool wrongTypeIsError = true, bool includeNull = false)
    {
        if (!IsResolved)
        {
            throw new ConfigurationException(
                "the configuration has unresolved substitutions; call Resolve() before reading it", default, path);
        }

        var keys = PathExpression.ParseApiPath(path);
        HoconValue current = _root;
        for (var i = 0; i < keys.Count; i++)
        {
            if (current is not HoconObject obj)
            {
                if (!wrongTypeIsError)
                {
                    return null;
                }

                var parent = HoconPath.Of(keys.Segments.Take(i));
                throw new ConfigurationException(
                    $"'{parent}' is {current.Describe()}, not an object, so it has no '{keys[i]}'", current.Position, path);
            }

            if (!obj.TryGetValue(keys[i], out var child))
            {
                return null;
            }

            current = child;
        }

        return !includeNull && current is HoconScalar { Kind: HoconScalarKind.Null } ? null : current;
    }

    private static IReadOnlyList<T> ListOf<T>(HoconValue value, string path, Func<HoconValue, string, T> convert)
    {
        var list = ValueConversions.ToList(value, path);
        var result = new T[list.Elements.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = convert(list.Elements[i], $"{path}[{i}]");
        }

        return result;
    }
}
