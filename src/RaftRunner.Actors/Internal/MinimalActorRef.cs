namespace RaftRunner.Actors.Internal;

/// <summary>A reference with no mailbox behind it (nobody, dead letters, an Ask's reply slot).</summary>
internal abstract class MinimalActorRef(ActorPath path) : IActorRef
{
    public ActorPath Path { get; } = path;

    public abstract void Tell(object message, IActorRef? sender = null);

    public bool Equals(IActorRef? other) => other is not null && other.Path.Equals(Path);

    public override bool Equals(object? obj) => obj is IActorRef r && Equals(r);

    public override int GetHashCode() => Path.GetHashCode();

    public override string ToString() => $"Actor[{Path}]";
}
