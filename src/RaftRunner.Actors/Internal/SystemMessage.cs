namespace RaftRunner.Actors.Internal;

/// <summary>
/// Messages the kernel sends between cells about lifecycle and supervision. They overtake user messages
/// and are processed even while the actor is suspended after a failure.
/// </summary>
internal abstract class SystemMessage
{
    /// <summary>Link for the mailbox's lock-free system queue (a message sits in one queue only once).</summary>
    internal SystemMessage? Next;
}

/// <summary>Construct the first incarnation, in the actor's own mailbox run.</summary>
internal sealed class Create : SystemMessage;

/// <summary>Replace the instance after a failure (from the supervisor).</summary>
internal sealed class Recreate(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary>Continue with the same instance after a failure (from the supervisor); the cause is for an actor that has no instance to continue with.</summary>
internal sealed class Resume(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary>Stop: children first, then PostStop, then tell watchers.</summary>
internal sealed class Terminate : SystemMessage;

/// <summary>A child failed and is suspended until its parent decides.</summary>
internal sealed class Failed(ActorCell child, Exception cause, long uid) : SystemMessage
{
    public ActorCell Child { get; } = child;
    public Exception Cause { get; } = cause;
    public long Uid { get; } = uid;
}

/// <summary>A child has finished stopping.</summary>
internal sealed class ChildTerminated(ActorCell child) : SystemMessage
{
    public ActorCell Child { get; } = child;
}

/// <summary><see cref="Watcher"/> wants a Terminated when the receiving actor stops.</summary>
internal sealed class Watch(IActorRef watcher) : SystemMessage
{
    public IActorRef Watcher { get; } = watcher;
}

internal sealed class Unwatch(IActorRef watcher) : SystemMessage
{
    public IActorRef Watcher { get; } = watcher;
}

/// <summary>An actor the receiver watches has stopped.</summary>
internal sealed class DeathWatchNotification(IActorRef actor) : SystemMessage
{
    public IActorRef Actor { get; } = actor;
}
