namespace RaftRunner.Actors;

/// <summary>An actor watched another and did not handle its <see cref="Terminated"/> message.</summary>
public sealed class DeathPactException : ActorException
{
    public DeathPactException(IActorRef deadActor)
        : base($"unhandled Terminated for watched actor {deadActor.Path}") => DeadActor = deadActor;

    public IActorRef DeadActor { get; }
}
