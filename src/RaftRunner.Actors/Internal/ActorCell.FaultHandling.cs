using Microsoft.Extensions.Logging;

namespace RaftRunner.Actors.Internal;

internal sealed partial class ActorCell
{
    private bool _failed;                 // suspended, waiting for the supervisor's decision
    private object? _failedMessage;       // handed to PreRestart
    private Exception? _pendingRecreate;  // restart waiting for stopping children
    private HashSet<ActorCell>? _restartWaitsFor; // the children that restart waits for
    private int _restartCount;            // read and written only by the parent's turn
    private TimeSpan _restartWindowStart;

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
            case Directive.Resume: child.SendSystemMessage(new Resume()); break;
            case Directive.Restart: child.SendSystemMessage(new Recreate(failed.Cause)); break;
            case Directive.Stop: child.RequestStop(); break;
            case Directive.Escalate: HandleInvokeFailure(failed.Cause); break;
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

    private void ResumeAfterFailure()
    {
        if (_failed)
        {
            _failed = false;
            Mailbox.Resume();
        }
        // Children left suspended by an escalation resume with their parent.
        if (_children is { } children)
        {
            foreach (var child in children.Values)
                child.SendSystemMessage(new Resume());
        }
    }

    private void Recreate(Exception cause)
    {
        if (_terminating)
            return;
        if (_actor is not null)
        {
            try
            {
                _actor.PreRestart(cause, _failedMessage);
            }
            catch (Exception e)
            {
                System.Log.LogError(e, "{Path}: PreRestart threw {Exception}", Path, e.GetType().Name);
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
        Exception? failure = null;
        if (TryCreateInstance(out failure))
        {
            try
            {
                _actor!.PostRestart(cause);
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
        _failed = false;
        Mailbox.Resume();
    }
}
