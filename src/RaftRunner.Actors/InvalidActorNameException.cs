namespace RaftRunner.Actors;

/// <summary>An actor name is empty, malformed, reserved, or already taken by a sibling.</summary>
public class InvalidActorNameException : ActorException
{
    public InvalidActorNameException(string message) : base(message) { }

    public InvalidActorNameException(string message, Exception? inner) : base(message, inner) { }
}
