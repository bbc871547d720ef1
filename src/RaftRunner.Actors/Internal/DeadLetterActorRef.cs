namespace RaftRunner.Actors.Internal;

/// <summary>Where undeliverable messages go: they are published as <see cref="DeadLetter"/> and logged.</summary>
internal sealed class DeadLetterActorRef(ActorSystem system) : MinimalActorRef(ActorPath.Root(system.Name).Child("deadLetters"))
{
    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is DeadLetter d)
            system.DeadLetter(d.Message, d.Sender, d.Recipient);
        else
            system.DeadLetter(message, sender ?? ActorRefs.NoSender, this);
    }
}
