namespace RaftRunner.Actors;

/// <summary>An Ask got no reply within its timeout.</summary>
public class AskTimeoutException : ActorException
{
    public AskTimeoutException(string message) : base(message) { }

    public AskTimeoutException(string message, Exception? inner) : base(message, inner) { }
}
