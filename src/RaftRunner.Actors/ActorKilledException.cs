namespace RaftRunner.Actors;

/// <summary>Raised inside an actor that received Kill; its supervisor's default decision is to stop it.</summary>
public class ActorKilledException : ActorException
{
    public ActorKilledException(string message) : base(message) { }

    public ActorKilledException(string message, Exception? inner) : base(message, inner) { }
}
