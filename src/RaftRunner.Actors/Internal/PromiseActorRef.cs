namespace RaftRunner.Actors.Internal;

/// <summary>The temporary sender of an Ask: the first message told to it completes the Ask.</summary>
internal sealed class PromiseActorRef(ActorPath path) : MinimalActorRef(path)
{
    private readonly TaskCompletionSource<object> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<object> Reply => _reply.Task;

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        _reply.TrySetResult(message);
    }

    /// <summary>The question could not be delivered: fail at once instead of waiting for the timeout.</summary>
    public void Fail(Exception exception) => _reply.TrySetException(exception);
}
