namespace RaftRunner.Actors;

/// <summary>
/// Where an actor lives: <c>raft://system/user/parent/child</c>. Paths compare by value; an actor that
/// is stopped and re-created under the same name gets the same path but a different <see cref="Uid"/>.
/// The text form is built on demand: an idle actor should not carry its full path as a string.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    public const string Scheme = "raft";

    private readonly string _systemName;

    private ActorPath(string systemName, ActorPath? parent, string name, long uid)
    {
        _systemName = systemName;
        Parent = parent;
        Name = name;
        Uid = uid;
    }

    public string SystemName => _systemName;
    public ActorPath? Parent { get; }
    public string Name { get; }

    /// <summary>Tells incarnations apart; not part of equality so a path names a place, not an incarnation.</summary>
    public long Uid { get; }

    /// <summary>The path without the scheme and system: <c>/user/a/b</c>.</summary>
    public string Elements => Parent is null ? "/" : string.Join("", Ancestry().Select(p => "/" + p.Name));

    public static ActorPath Root(string systemName) => new(systemName, null, "", 0);

    public ActorPath Child(string name, long uid = 0) => new(_systemName, this, name, uid);

    public override string ToString() => $"{Scheme}://{_systemName}{(Parent is null ? "" : Elements)}";

    public bool Equals(ActorPath? other)
    {
        if (other is null)
            return false;
        ActorPath? a = this, b = other;
        while (a is not null && b is not null)
        {
            if (ReferenceEquals(a, b))
                return true; // shared ancestry: same system too
            if (a.Name != b.Name)
                return false;
            a = a.Parent;
            b = b.Parent;
        }
        return a is null && b is null && _systemName == other._systemName;
    }

    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_systemName, StringComparer.Ordinal);
        for (var p = this; p is not null; p = p.Parent)
            hash.Add(p.Name, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

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

    /// <summary>From the first element below the root down to this path.</summary>
    private IEnumerable<ActorPath> Ancestry()
    {
        var chain = new Stack<ActorPath>();
        for (var p = this; p.Parent is not null; p = p.Parent)
            chain.Push(p);
        return chain;
    }
}
