namespace RaftRunner.Actors.Internal;

/// <summary>The reference to an actor in this process: a thin handle over its cell.</summary>
internal sealed class LocalActorRef(ActorCell cell) : IActorRef
{
    internal ActorCell Cell { get; } = cell;

    public ActorPath Path => Cell.Path;

    /// <summary>The local actor behind <paramref name="reference"/> (itself, or what a wrapper stands for); null when there is none.</summary>
    internal static LocalActorRef? From(IActorRef? reference) => reference switch
    {
        LocalActorRef local => local,
        IWrappedActorRef wrapped => wrapped.Underlying,
        _ => null,
    };

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Told from inside an actor without a sender: the sender is that actor, so replies find their way back.
        Cell.SendMessage(message, sender ?? ActorCell.Current?.Self ?? ActorRefs.NoSender);
    }

    /// <summary>Same path and same incarnation (so a probe that wraps this reference compares equal to it).</summary>
    public bool Equals(IActorRef? other) => other is not null && other.Path.Uid == Path.Uid && other.Path.Equals(Path);

    public override bool Equals(object? obj) => obj is IActorRef r && Equals(r);

    public override int GetHashCode() => Path.GetHashCode();

    public override string ToString() => $"Actor[{Path}#{Path.Uid}]";
}
