namespace RaftRunner.Actors;

/// <summary>An Ask was sent to an actor that is already stopped, so no reply can ever come.</summary>
public class RecipientTerminatedException : ActorException
{
    public RecipientTerminatedException(string message) : base(message) { }

    public RecipientTerminatedException(string message, Exception? inner) : base(message, inner) { }
}
