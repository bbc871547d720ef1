namespace RaftRunner.Actors;

/// <summary>
/// Where an actor lives: <c>raft://system/user/parent/child</c>. Paths compare by value; an actor that
/// is stopped and re-created under the same name gets the same path but a different <see cref="Uid"/>.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    public const string Scheme = "raft";

    private readonly string _text;

    private ActorPath(string systemName, ActorPath? parent, string name, long uid)
    {
        SystemName = systemName;
        Parent = parent;
        Name = name;
        Uid = uid;
        _text = parent is null ? $"{Scheme}://{systemName}" : parent._text + "/" + name;
    }

    public string SystemName { get; }
    public ActorPath? Parent { get; }
    public string Name { get; }

    /// <summary>Tells incarnations apart; not part of equality so a path names a place, not an incarnation.</summary>
    public long Uid { get; }

    /// <summary>The path without the scheme and system: <c>/user/a/b</c>.</summary>
    public string Elements => _text[(Scheme.Length + 3 + SystemName.Length)..] is { Length: > 0 } e ? e : "/";

    public static ActorPath Root(string systemName) => new(systemName, null, "", 0);

    public ActorPath Child(string name, long uid = 0) => new(SystemName, this, name, uid);

    public override string ToString() => _text;

    public bool Equals(ActorPath? other) => other is not null && other._text == _text;

    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    /// <summary>A name an actor may be given by a user: not empty, no '/', and not starting with '$' (reserved for generated names).</summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
            throw new InvalidActorNameException("actor name must not be empty");
        if (name[0] == '$')
            throw new InvalidActorNameException($"actor name '{name}' must not start with '$' (reserved for generated names)");
        foreach (var c in name)
        {
            if (c == '/' || char.IsWhiteSpace(c) || char.IsControl(c) || c == '#' || c == '?')
                throw new InvalidActorNameException($"actor name '{name}' contains an illegal character '{c}'");
        }
    }
}
