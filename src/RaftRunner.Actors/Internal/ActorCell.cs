using Microsoft.Extensions.Logging;

namespace RaftRunner.Actors.Internal;

/// <summary>
/// The kernel's side of one actor: its mailbox, current message, children, watchers, timers and stash,
/// and the instance it carries (replaced on restart). Everything here runs on the actor's turn (see
/// <see cref="Mailbox"/>) except what is marked thread-safe: SendMessage, SendSystemMessage, ActorOf
/// and the children lookup.
/// Partial files by concern: Lifecycle (create/stop), FaultHandling (failure, supervision, restart),
/// Children, DeathWatch, Tasks (RunTask).
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    [ThreadStatic] private static ActorCell? t_constructing;
    [ThreadStatic] private static ActorCell? t_current;

    private ActorBase? _actor;
    private Envelope _current; // default (null message) between messages
    private TimerScheduler? _timers;
    private Stash? _stash;

    public ActorCell(ActorSystem system, ActorCell? parent, Props props, ActorPath path)
    {
        System = system;
        ParentCell = parent;
        Props = props;
        Path = path;
        Self = new LocalActorRef(this);
        Mailbox = new Mailbox(this, system.Settings.MailboxThroughput);
    }

    /// <summary>The cell whose actor is being constructed on this thread (read by the ActorBase constructor).</summary>
    internal static ActorCell? Constructing => t_constructing;

    /// <summary>The cell whose turn is running on this thread, if any (for Forward).</summary>
    internal static ActorCell? Current => t_current;

    public ActorSystem System { get; }

    public ActorCell? ParentCell { get; }

    public Props Props { get; }

    public ActorPath Path { get; }

    public IActorRef Self { get; }

    public Mailbox Mailbox { get; }

    public IActorRef Parent => ParentCell?.Self ?? ActorRefs.Nobody;

    public IActorRef Sender => _current.Sender ?? ActorRefs.NoSender;

    internal Envelope? CurrentEnvelope => _current.Message is null ? null : _current;

    /// <summary>Thread-safe: queue a user message, or make it a dead letter if the actor is gone.</summary>
    public void SendMessage(object message, IActorRef sender)
    {
        if (!Mailbox.Enqueue(new Envelope(message, sender)))
            System.DeadLetter(message, sender, Self);
    }

    /// <summary>Thread-safe: queue a user message; false (and no dead letter) when the actor has stopped.</summary>
    public bool TryEnqueue(object message, IActorRef sender) => Mailbox.Enqueue(new Envelope(message, sender));

    /// <summary>Thread-safe: queue a system message.</summary>
    public void SendSystemMessage(SystemMessage message) => Mailbox.EnqueueSystem(message);

    /// <summary>Processes one user message on the actor's turn.</summary>
    public void Invoke(Envelope envelope)
    {
        var previous = t_current;
        t_current = this;
        _current = envelope;
        _stash?.BeginDelivery();
        try
        {
            if (TryHandleKernelMessage(envelope, out var message))
                return;
            if (_actor is null)
            {
                System.DeadLetter(message, envelope.Sender, Self);
                return;
            }
            _actor.AroundReceive(message);
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
        finally
        {
            t_current = previous;
            // An awaited handler still needs Sender after its await; keep it until the task is done.
            if (_pendingTask is null)
                _current = default; // do not keep the last message (or an Ask's reply slot) alive
        }
    }

    /// <summary>
    /// Messages every actor understands without its code seeing them. Returns true when the message is
    /// consumed; otherwise <paramref name="message"/> is what the actor's behaviour should receive.
    /// </summary>
    private bool TryHandleKernelMessage(Envelope envelope, out object message)
    {
        message = envelope.Message;
        switch (message)
        {
            case TimerFired fired:
                if (_timers?.Accept(fired) is not { } timerMessage)
                    return true;
                message = timerMessage;
                _current = new Envelope(timerMessage, ActorRefs.NoSender);
                return false;
            case PoisonPill:
                RequestStop();
                return true;
            case Kill:
                throw new ActorKilledException($"{Path} received Kill");
            case Identify identify:
                envelope.Sender.Tell(new ActorIdentity(identify.MessageId, Self), Self);
                return true;
            case Terminated { FromDeathWatch: true } terminated:
                // Dropped if the watch was withdrawn after the notification was queued.
                if (_terminatedQueued?.Remove(terminated.Actor) != true)
                    return true;
                // Accepted: from now on it is an ordinary message, so a Stash/Unstash round trip delivers it
                // (the marked original would be dropped on its second delivery, its watch being consumed).
                message = new Terminated(terminated.Actor);
                _current = new Envelope(message, envelope.Sender);
                return false;
            default:
                return false;
        }
    }

    /// <summary>Processes one system message on the actor's turn.</summary>
    public void SystemInvoke(SystemMessage message)
    {
        var previous = t_current;
        t_current = this;
        try
        {
            switch (message)
            {
                case Create: CreateFirstIncarnation(); break;
                case Recreate r: Recreate(r.Cause); break;
                case Resume r: ResumeAfterFailure(r.Cause); break;
                case Terminate: BeginTerminate(); break;
                case Failed f: HandleChildFailure(f); break;
                case ChildTerminated c: HandleChildTerminated(c.Child); break;
                case Watch w: AddWatcher(w.Watcher); break;
                case Unwatch u: _watchers?.Remove(u.Watcher); break;
                case DeathWatchNotification d: WatchedActorTerminated(d.Actor); break;
            }
        }
        catch (Exception e)
        {
            // Hooks are guarded where they are called; this is a kernel fault. Fail the actor rather than the process.
            System.LogKernelFault(Self, e);
        }
        finally
        {
            t_current = previous;
        }
    }

    /// <summary>A system message that reached the actor after it stopped: watchers still deserve their Terminated.</summary>
    public void SystemInvokeAfterClose(SystemMessage message)
    {
        if (message is Watch w)
            NotifyTerminated(w.Watcher);
    }

    public IActorRef ActorOf(Props props, string? name = null) => CreateChild(props, name);

    public ActorSelection ActorSelection(string path) => new(System, this, path);

    public ILogger GetLogger() => System.LoggerFactory.CreateLogger(Props.ActorType.FullName ?? Props.ActorType.Name);

    internal ITimerScheduler Timers => _timers ??= new TimerScheduler(this);

    internal IStash StashFor() => _stash ??= new Stash(this);

    public override string ToString() => $"ActorCell[{Path}]";
}
