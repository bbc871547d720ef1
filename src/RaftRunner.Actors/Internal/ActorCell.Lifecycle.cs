using Microsoft.Extensions.Logging;

namespace RaftRunner.Actors.Internal;

internal sealed partial class ActorCell
{
    private volatile bool _stopRequested;
    private bool _terminating;
    private bool _terminated;
    private volatile bool _subscribed; // ever subscribed to the event stream: unsubscribe when stopping

    /// <summary>A stop was asked for (it may not have been processed yet).</summary>
    public bool StopRequested => _stopRequested;

    public bool IsTerminated => Volatile.Read(ref _terminated);

    /// <summary>Queues the creation of the first incarnation; user messages told from now on wait behind it.</summary>
    public void Start() => SendSystemMessage(new Create());

    /// <summary>Thread-safe: ask the actor to stop.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        SendSystemMessage(new Terminate());
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        LocalActorRef.From(actor)?.Cell.RequestStop();
    }

    /// <summary>Thread-safe: called by the event stream when this actor subscribes to something.</summary>
    internal void MarkSubscribed() => _subscribed = true;

    private void CreateFirstIncarnation()
    {
        if (_terminating)
            return;
        if (TryCreateInstance(out var failure))
        {
            try
            {
                _actor!.PreStart();
                if (AwaitingTask)
                    _pendingTaskHook = LifecycleHook.PreStart;
            }
            catch (Exception e)
            {
                failure = new ActorInitializationException(Self, $"{Path}: PreStart threw {e.GetType().Name}: {e.Message}", e);
            }
        }
        if (failure is not null)
            HandleInvokeFailure(failure);
    }

    /// <summary>Builds a fresh instance from Props with this cell as its context.</summary>
    private bool TryCreateInstance(out Exception? failure)
    {
        var previous = t_constructing;
        t_constructing = this;
        try
        {
            var actor = Props.Factory();
            if (actor is IWithTimers withTimers)
                withTimers.Timers = Timers;
            if (actor is IWithStash withStash)
                withStash.Stash = StashFor();
            _actor = actor;
            failure = null;
            return true;
        }
        catch (Exception e)
        {
            _actor = null;
            var cause = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            failure = new ActorInitializationException(Self, $"{Path}: constructor of {Props.ActorType.Name} threw {cause.GetType().Name}: {cause.Message}", cause);
            return false;
        }
        finally
        {
            t_constructing = previous;
        }
    }

    private void BeginTerminate()
    {
        if (_terminating)
            return;
        _terminating = true;
        _stopRequested = true;
        Mailbox.Suspend();
        _timers?.CancelAll();
        if (!StopChildren())
            FinishTerminate();
    }

    /// <summary>The last step of stopping, once every child has stopped.</summary>
    private void FinishTerminate()
    {
        if (_actor is not null)
        {
            _hookWithoutTasks = LifecycleHook.PostStop;
            try
            {
                _actor.PostStop();
            }
            catch (Exception e)
            {
                System.Log.LogError(e, "{Path}: PostStop threw {Exception}", Path, e.GetType().Name);
            }
            _actor = null;
        }
        // Before closing the mailbox, so what Close turns into dead letters cannot be published back to us.
        // A Subscribe racing this is caught by the event stream, which drops a subscriber it finds stopped.
        if (_subscribed)
            System.EventStream.Unsubscribe(Self);
        if (_stash is not null)
        {
            foreach (var e in _stash.Drain())
                System.DeadLetter(e.Message, e.Sender, Self);
        }
        Volatile.Write(ref _terminated, true);
        Mailbox.Close();
        TellWatchersAndUnwatchAll();
        if (ParentCell is not null)
            ParentCell.SendSystemMessage(new ChildTerminated(this));
        else
            System.OnGuardianTerminated();
    }
}
