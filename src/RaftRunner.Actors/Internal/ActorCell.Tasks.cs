namespace RaftRunner.Actors.Internal;

internal sealed partial class ActorCell
{
    private Task? _pendingTask;
    private LifecycleHook _pendingTaskHook;  // the hook (PreStart, PostRestart) that started the pending task, if any
    private LifecycleHook _hookWithoutTasks; // set while running a hook that nothing could wait for (PreRestart, PostStop)
    private ActorSynchronizationContext? _synchronizationContext;

    /// <summary>True while an awaited handler holds the mailbox.</summary>
    public bool AwaitingTask => _pendingTask is not null;

    public void RunTask(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_pendingTask is not null)
            throw new InvalidOperationException("only one RunTask per message");
        // Where the mailbox cannot be held for the task, refuse rather than let it race the actor's next turn.
        if (t_constructing == this)
            throw new InvalidOperationException($"RunTask cannot be used in the constructor of {Props.ActorType.Name}; use PreStart");
        if (_hookWithoutTasks != LifecycleHook.None)
            throw new InvalidOperationException($"RunTask cannot be used in {_hookWithoutTasks}: the instance is being discarded and nothing would wait for the task");
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_synchronizationContext ??= new ActorSynchronizationContext(this));
        Task task;
        try
        {
            task = work();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult(); // rethrows into Invoke's failure handling
            return;
        }
        _pendingTask = task;
    }

    /// <summary>
    /// Called by the mailbox as the very last act of a turn that ended on an awaited handler: only now may
    /// the task's completion start the next turn, or two turns could overlap.
    /// </summary>
    public void ArmPendingTask()
    {
        var mailbox = Mailbox;
        _pendingTask!.ContinueWith(static (_, state) => ((Mailbox)state!).ContinueAfterTask(), mailbox,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>At the start of the turn after an awaited handler: surface its failure, release its message.</summary>
    public void FinishPendingTask()
    {
        if (_pendingTask is not { } task)
            return;
        var previous = t_current;
        t_current = this;
        var hook = _pendingTaskHook;
        try
        {
            _pendingTask = null;
            _pendingTaskHook = LifecycleHook.None;
            task.GetAwaiter().GetResult();
        }
        catch (Exception e) when (hook != LifecycleHook.None)
        {
            // Same as the hook throwing synchronously: the instance could not be initialized.
            HandleInvokeFailure(new ActorInitializationException(Self, $"{Path}: the task started in {hook} threw {e.GetType().Name}: {e.Message}", e));
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
        finally
        {
            _current = default; // do not keep the last message (or an Ask's reply slot) alive
            t_current = previous;
        }
    }

    /// <summary>Runs an awaited handler's continuations in the actor's context (Sender, Forward, Context all work after await).</summary>
    private sealed class ActorSynchronizationContext(ActorCell cell) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) =>
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Context.Run(s.Callback, s.State), (Context: this, Callback: d, State: state), preferLocal: false);

        public override void Send(SendOrPostCallback d, object? state) => Run(d, state);

        public override SynchronizationContext CreateCopy() => this;

        private void Run(SendOrPostCallback callback, object? state)
        {
            var previousCell = t_current;
            var previousContext = Current;
            t_current = cell;
            SetSynchronizationContext(this);
            try
            {
                callback(state);
            }
            finally
            {
                SetSynchronizationContext(previousContext);
                t_current = previousCell;
            }
        }
    }
}
