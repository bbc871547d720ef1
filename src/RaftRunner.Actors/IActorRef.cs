namespace RaftRunner.Actors;

/// <summary>
/// A handle to an actor. It is the only way to reach an actor: telling it a message is thread-safe,
/// never blocks, and never throws because the actor is gone (the message becomes a dead letter).
/// </summary>
public interface IActorRef : IEquatable<IActorRef>
{
    ActorPath Path { get; }

    /// <summary>
    /// Enqueues <paramref name="message"/>; <paramref name="sender"/> is what the receiver sees as Sender. When it is
    /// null, the sender is the actor whose turn is running on this thread, or <see cref="ActorRefs.NoSender"/> outside any actor.
    /// </summary>
    void Tell(object message, IActorRef? sender = null);
}
