namespace RaftRunner.Actors;

/// <summary>An Ask&lt;T&gt; got a reply that is not a T.</summary>
public sealed class AskTypeMismatchException : ActorException
{
    public AskTypeMismatchException(Type expected, object reply)
        : base($"Ask expected a reply of type {expected.Name} but got {reply.GetType().Name}: {reply}")
    {
        Expected = expected;
        Reply = reply;
    }

    public Type Expected { get; }
    public object Reply { get; }
}
