namespace RaftRunner.Actors;

/// <summary>An actor selection or path resolved to no live actor.</summary>
public class ActorNotFoundException : ActorException
{
    public ActorNotFoundException(string message) : base(message) { }

    public ActorNotFoundException(string message, Exception? inner) : base(message, inner) { }
}
