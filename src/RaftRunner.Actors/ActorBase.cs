using RaftRunner.Actors.Internal;

namespace RaftRunner.Actors;

/// <summary>
/// The base of every actor. The kernel guarantees one message at a time per actor, so an actor's fields
/// need no locks. Instances are created only by the kernel (through <see cref="Props"/>): constructing
/// one with <c>new</c> throws.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;
    private Stack<Func<object, bool>>? _behaviours; // null until the first Become: most actors never switch

    protected ActorBase()
    {
        _cell = ActorCell.Constructing
            ?? throw new ActorException($"{GetType().Name} must be created by ActorOf(Props), not with 'new'");
    }

    protected IActorRef Self => _cell.Self;

    protected IActorRef Sender => _cell.Sender;

    protected IActorContext Context => _cell;

    internal ActorCell Cell => _cell;

    /// <summary>Handles one message; returns false when the message was not handled.</summary>
    protected internal abstract bool Receive(object message);

    /// <summary>Called for a message no behaviour handled. A Terminated nobody handles is a death pact: the actor fails.</summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated t)
            throw new DeathPactException(t.Actor);
        _cell.System.EventStream.Publish(new UnhandledMessage(message, Sender, Self));
    }

    /// <summary>Before the first message, in the actor's own turn.</summary>
    protected internal virtual void PreStart() { }

    /// <summary>After the actor has stopped (children are already stopped); timers are already cancelled.</summary>
    protected internal virtual void PostStop() { }

    /// <summary>On the failed instance before it is replaced. By default stops every child and calls <see cref="PostStop"/>.</summary>
    protected internal virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in _cell.Children)
            _cell.Stop(child);
        PostStop();
    }

    /// <summary>On the fresh instance after a restart. By default calls <see cref="PreStart"/>.</summary>
    protected internal virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children; null means the system default.</summary>
    protected internal virtual SupervisorStrategy? SupervisorStrategy() => null;

    /// <summary>
    /// Runs <paramref name="work"/> and holds the mailbox until its task completes: no other message (not
    /// even a Stop, a Terminate of the whole system, or a supervisor's decision) is processed meanwhile, and
    /// continuations after <c>await</c> run in the actor's context. A task that never completes therefore
    /// keeps the actor, its parent's stop and <see cref="ActorSystem.Terminate"/> waiting for ever: give
    /// awaited work a timeout or a cancellation token. An exception in the task is a failure of the current
    /// message. Allowed in a message handler, <see cref="PreStart"/> and <see cref="PostRestart"/> (the task
    /// then holds the mailbox before the first message, and its failure counts as a failed start); not in
    /// the constructor, <see cref="PreRestart"/> or <see cref="PostStop"/>, where nothing could wait for it.
    /// </summary>
    protected void RunTask(Func<Task> work) => _cell.RunTask(work);

    /// <summary>Replaces the current behaviour.</summary>
    protected void Become(Func<object, bool> receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        _behaviours ??= new Stack<Func<object, bool>>(2);
        _behaviours.TryPop(out _);
        _behaviours.Push(receive);
    }

    /// <summary>Pushes a behaviour; <see cref="Unbecome"/> returns to the one below.</summary>
    protected void BecomeStacked(Func<object, bool> receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        (_behaviours ??= new Stack<Func<object, bool>>(2)).Push(receive);
    }

    /// <summary>Returns to the previous behaviour; with none left, to <see cref="Receive"/>. The initial behaviour is never popped.</summary>
    protected void Unbecome() => _behaviours?.TryPop(out _);

    /// <summary>Delivers one message to the current behaviour; the kernel's only entry into user code for messages.</summary>
    internal void AroundReceive(object message)
    {
        var handled = _behaviours is { Count: > 0 } ? _behaviours.Peek()(message) : Receive(message);
        if (!handled)
            Unhandled(message);
    }
}
