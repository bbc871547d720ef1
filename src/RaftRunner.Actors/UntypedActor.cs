namespace RaftRunner.Actors;

/// <summary>An actor with one method for every message; call <c>Unhandled</c> for what it does not know.</summary>
public abstract class UntypedActor : ActorBase
{
    protected internal sealed override bool Receive(object message)
    {
        OnReceive(message);
        return true;
    }

    protected abstract void OnReceive(object message);

    /// <summary>Replaces <see cref="OnReceive"/> with <paramref name="receive"/> until the next Become.</summary>
    protected void Become(Action<object> receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        Become(m => { receive(m); return true; });
    }
}
