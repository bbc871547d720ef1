namespace RaftRunner.Actors;

/// <summary>An actor's constructor, PreStart or PostRestart threw; the default supervisor decision is to stop it.</summary>
public sealed class ActorInitializationException : ActorException
{
    public ActorInitializationException(IActorRef? actor, string message, Exception? inner) : base(message, inner) => Actor = actor;

    public IActorRef? Actor { get; }
}
