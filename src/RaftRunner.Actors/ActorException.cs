namespace RaftRunner.Actors;

/// <summary>Base of every error the actor kernel raises itself.</summary>
public class ActorException : Exception
{
    public ActorException(string message) : base(message) { }

    public ActorException(string message, Exception? inner) : base(message, inner) { }
}
