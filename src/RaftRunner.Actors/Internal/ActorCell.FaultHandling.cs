using Microsoft.Extensions.Logging;

namespace RaftRunner.Actors.Internal;

internal sealed partial class ActorCell
{
    private bool _failed;                 // suspended, waiting for the supervisor's decision
    private object? _failedMessage;       // handed to PreRestart
    private Exception? _pendingRecreate;  // restart waiting for stopping children
    private HashSet<ActorCell>? _restartWaitsFor; // the children that restart waits for
    private int _restartCount;            // read and written only by the parent's turn
    private TimeSpan _restartWindowStart; // read and written only by the parent's turn
    private bool _escalated;              // read and written only by the parent's turn: it escalated this actor's failure

    /// <summary>The current message (or creation) threw: drop the message, suspend, and ask the parent.</summary>
    private void HandleInvokeFailure(Exception cause)
    {
        var message = _current.Message;
        if (_terminating)
        {
            System.Log.LogError(cause, "{Path} failed while stopping: {Error}", Path, cause.Message);
            return;
        }
        System.Log.LogError(cause, "{Path} failed processing {MessageType}; the message is dropped: {Error}",
            Path, message?.GetType().Name ?? "(creation)", cause.Message);
        _failedMessage = message;
        SuspendAndReport(cause);
    }

    /// <summary>
    /// This actor's strategy gave up on <paramref name="child"/>: fail as if this actor had thrown. The child
    /// stays suspended until this actor's own supervisor decides; it then shares this actor's fate (resumed
    /// with it, restarted after it, or stopped with it), so it is never left suspended.
    /// </summary>
    private void Escalate(ActorCell child, Exception cause)
    {
        if (_terminating)
            return; // stopping anyway, and the child with it
        System.Log.LogError(cause, "{Path} escalates the failure of its child {Child}: {Error}", Path, child.Path.Name, cause.Message);
        child._escalated = true;
        if (_failed)
            return; // a decision about this actor is already pending (or under way): the child shares that one
        _failedMessage = null; // what this actor was processing did not fail
        SuspendAndReport(cause);
    }

    private void SuspendAndReport(Exception cause)
    {
        if (!_failed)
        {
            _failed = true;
            Mailbox.Suspend();
        }
        if (ParentCell is not null)
            ParentCell.SendSystemMessage(new Failed(this, cause, Path.Uid));
        else
            BeginTerminate(); // the guardian itself failed: nobody is above it
    }

    private void HandleChildFailure(Failed failed)
    {
        var child = failed.Child;
        if (TryGetChild(child.Path.Name) != child || child.Path.Uid != failed.Uid || child.StopRequested)
            return; // stale: that child is already gone or going
        var strategy = Props.SupervisorStrategy ?? SafeStrategy() ?? System.Settings.DefaultSupervisorStrategy;
        Directive directive;
        try
        {
            directive = strategy.Decider(failed.Cause);
        }
        catch (Exception e)
        {
            System.Log.LogError(e, "{Path}: supervisor decider threw; escalating", Path);
            directive = Directive.Escalate;
        }
        if (directive == Directive.Restart && !child.PermitRestart(strategy, System.Scheduler.Now))
        {
            System.Log.LogWarning("{Child} exceeded {MaxRetries} restarts within {Within}; escalating", child.Path, strategy.MaxRetries, strategy.Within);
            directive = Directive.Escalate;
        }
        if (directive == Directive.Escalate && ParentCell is null)
        {
            // A top-level actor escalated to the guardian: stop it, keep the system running.
            System.Log.LogError(failed.Cause, "{Child} escalated to the guardian and is stopped", child.Path);
            directive = Directive.Stop;
        }
        switch (directive)
        {
            case Directive.Resume: child.SendSystemMessage(new Resume(failed.Cause)); break;
            case Directive.Restart: child.SendSystemMessage(new Recreate(failed.Cause)); break;
            case Directive.Stop: child.RequestStop(); break;
            case Directive.Escalate: Escalate(child, failed.Cause); break;
        }
    }

    private SupervisorStrategy? SafeStrategy()
    {
        try
        {
            return _actor?.SupervisorStrategy();
        }
        catch (Exception e)
        {
            System.Log.LogError(e, "{Path}: SupervisorStrategy() threw; using the default", Path);
            return null;
        }
    }

    /// <summary>Counts a restart against the strategy's budget (called on the parent's turn).</summary>
    private bool PermitRestart(SupervisorStrategy strategy, TimeSpan now)
    {
        if (strategy.MaxRetries < 0)
            return true;
        if (_restartCount == 0 || now - _restartWindowStart > strategy.Within)
        {
            _restartWindowStart = now;
            _restartCount = 1;
        }
        else
        {
            _restartCount++;
        }
        return _restartCount <= strategy.MaxRetries;
    }

    private void ResumeAfterFailure(Exception cause)
    {
        // A restart already under way resumes the mailbox itself when the new instance is up; resuming
        // now would let messages reach no instance at all (they would become dead letters).
        if (_terminating || _pendingRecreate is not null)
            return;
        if (_actor is null)
        {
            // Creation failed, so there is nothing to resume: build the instance again instead.
            System.Log.LogWarning("{Path} has no instance to resume (its creation failed); creating it again", Path);
            FinishRecreate(cause);
            return;
        }
        if (_failed)
        {
            _failed = false;
            Mailbox.Resume();
        }
        // Only the children this actor escalated for were waiting on its fate; the others run on (or
        // wait for decisions of their own, which a cascade must not pre-empt).
        if (_children is { } children)
        {
            foreach (var child in children.Values)
            {
                if (!child._escalated)
                    continue;
                child._escalated = false;
                child.SendSystemMessage(new Resume(cause));
            }
        }
    }

    private void Recreate(Exception cause)
    {
        if (_terminating || _pendingRecreate is not null)
            return; // stopping, or a restart is already waiting for children: it finishes on its own
        if (_actor is not null)
        {
            var previousHook = _hookWithoutTasks;
            _hookWithoutTasks = LifecycleHook.PreRestart;
            try
            {
                _actor.PreRestart(cause, _failedMessage);
            }
            catch (Exception e)
            {
                System.Log.LogError(e, "{Path}: PreRestart threw {Exception}", Path, e.GetType().Name);
            }
            finally
            {
                _hookWithoutTasks = previousHook;
            }
        }
        _timers?.CancelAll();
        _stash?.UnstashAll();
        _actor = null;
        var stopping = _children?.Values.Where(c => c.StopRequested).ToHashSet();
        if (stopping is { Count: > 0 })
        {
            // Finish when the children PreRestart stopped are gone, so the new instance can reuse their names.
            _pendingRecreate = cause;
            _restartWaitsFor = stopping;
        }
        else
        {
            FinishRecreate(cause);
        }
    }

    private void FinishRecreate(Exception cause)
    {
        _failedMessage = null;
        _current = default; // do not keep the last message (or an Ask's reply slot) alive
        // Children that PreRestart kept; taken before the new instance can create children of its own.
        var survivors = _children?.Values.Where(c => !c.StopRequested).ToArray();
        Exception? failure = null;
        if (TryCreateInstance(out failure))
        {
            try
            {
                _actor!.PostRestart(cause);
                if (AwaitingTask)
                    _pendingTaskHook = LifecycleHook.PostRestart;
            }
            catch (Exception e)
            {
                failure = new ActorInitializationException(Self, $"{Path}: PostRestart threw {e.GetType().Name}: {e.Message}", e);
            }
        }
        if (failure is not null)
        {
            HandleInvokeFailure(failure);
            return;
        }
        System.Log.LogInformation("{Path} restarted after {Cause}", Path, cause.GetType().Name);
        if (_failed)
        {
            _failed = false;
            Mailbox.Resume();
        }
        // As in Akka, children that outlive their parent's restart are restarted too: a child left suspended
        // by an escalation gets a fresh instance instead of waiting for a decision that will never come.
        if (survivors is not null)
        {
            foreach (var child in survivors)
            {
                child._escalated = false;
                child.SendSystemMessage(new Recreate(cause));
            }
        }
    }
}
