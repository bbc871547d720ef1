namespace RaftRunner.Actors.Internal;

/// <summary>
/// An actor's queues and its turn on the thread pool. A mailbox holds no thread while idle: a Tell that
/// finds it idle queues one work item, which processes up to <c>throughput</c> user messages (system
/// messages first and between every user message) and then gives the thread back.
/// Ownership: <see cref="Execute"/> runs on one thread at a time (the status flag guarantees it), so every
/// field marked "owner" is touched only there.
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Scheduled = 1;

    // Single reader (the owner), many writers. Unbounded: back-pressure is a protocol concern, not the kernel's.
    private readonly MpscQueue _queue = new();

    private readonly ActorCell _cell;
    private readonly int _throughput;
    private SystemMessage? _systemStack; // lock-free LIFO; reversed when drained
    private SystemMessage? _systemBacklog; // owner: oldest first; left over when a lifecycle hook started an awaited task
    private Queue<Envelope>? _prepended; // owner: unstashed messages, which go before everything queued
    private int _status;
    private int _suspendCount; // owner

    public Mailbox(ActorCell cell, int throughput)
    {
        _cell = cell;
        _throughput = throughput;
    }

    public bool IsClosed => _queue.IsClosed;

    public bool IsSuspended => _suspendCount > 0;

    /// <summary>Queues a user message; false when the mailbox is closed (the caller makes it a dead letter).</summary>
    public bool Enqueue(in Envelope envelope)
    {
        if (!_queue.Enqueue(envelope, _cell))
            return false;
        // Pairs with the full fence in Execute between "status = Idle" and "any work left?". The consumer
        // stores its status then loads the queue; we store the link then load the status. Without a full
        // fence on both sides the CPU may satisfy our load before our store is visible (store→load
        // reordering happens even on x86): we would see Scheduled, the consumer an empty queue, and the
        // message would wait for the next Tell. The queue's Interlocked.Exchange of its tail comes before
        // the link, so it does not order the link against this load.
        Interlocked.MemoryBarrier();
        TrySchedule();
        return true;
    }

    public void EnqueueSystem(SystemMessage message)
    {
        while (true)
        {
            var head = Volatile.Read(ref _systemStack);
            message.Next = head;
            if (Interlocked.CompareExchange(ref _systemStack, message, head) == head)
                break;
        }
        // If the mailbox closed meanwhile nobody will run it again: handle what is left ourselves.
        if (_queue.IsClosed)
            DrainSystemAfterClose();
        else
            TrySchedule();
    }

    /// <summary>Puts messages in front of everything queued, oldest first (owner only: used by Unstash).</summary>
    public void Prepend(IEnumerable<Envelope> envelopes)
    {
        var front = new Queue<Envelope>(envelopes);
        if (_prepended is { Count: > 0 })
        {
            foreach (var e in _prepended)
                front.Enqueue(e);
        }
        _prepended = front.Count > 0 ? front : null;
    }

    public void Suspend() => _suspendCount++;

    public void Resume()
    {
        if (_suspendCount > 0)
            _suspendCount--;
    }

    /// <summary>Closes for good: later Tells fail, queued user messages become dead letters (owner only).</summary>
    public void Close()
    {
        if (_prepended is not null)
        {
            while (_prepended.TryDequeue(out var e))
                _cell.System.DeadLetter(e.Message, e.Sender, _cell.Self);
        }
        var backlog = _systemBacklog;
        _systemBacklog = null;
        _queue.Close(_cell);
        InvokeAll(backlog); // closed now: handled as after-close, before anything newer
        DrainSystemAfterClose();
    }

    public void TrySchedule()
    {
        if (Volatile.Read(ref _status) == Idle && Interlocked.CompareExchange(ref _status, Scheduled, Idle) == Idle)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Called when an awaited handler finishes; the mailbox stayed "scheduled" all along, so this is its next turn.</summary>
    public void ContinueAfterTask() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    public void Execute()
    {
        try
        {
            _cell.FinishPendingTask();
            if (!_queue.IsClosed)
            {
                ProcessSystemMessages();
                ProcessUserMessages();
            }
        }
        catch (Exception e)
        {
            // Every actor callback is guarded inside the cell; reaching here is a kernel bug. Never take the process down.
            _cell.System.LogKernelFault(_cell.Self, e);
        }
        finally
        {
            if (_cell.AwaitingTask)
            {
                _cell.ArmPendingTask();
            }
            else
            {
                // Full fence between giving up the turn and looking for work that a racing Tell may have added.
                Interlocked.Exchange(ref _status, Idle);
                if (HasWork())
                    TrySchedule();
            }
        }
    }

    private bool HasWork()
    {
        if (_systemBacklog is not null || Volatile.Read(ref _systemStack) is not null)
            return true;
        if (_queue.IsClosed || _suspendCount > 0)
            return false;
        return _prepended is { Count: > 0 } || _queue.HasItems;
    }

    private void ProcessUserMessages()
    {
        for (var left = _throughput; left > 0; left--)
        {
            if (_queue.IsClosed || _suspendCount > 0 || _cell.AwaitingTask)
                return;
            Envelope envelope;
            if (_prepended is { Count: > 0 })
            {
                envelope = _prepended.Dequeue();
            }
            else if (!_queue.TryDequeue(out envelope))
            {
                return;
            }
            _cell.Invoke(envelope);
            if (Volatile.Read(ref _systemStack) is not null && !_cell.AwaitingTask)
                ProcessSystemMessages();
        }
    }

    private void ProcessSystemMessages()
    {
        while (!_queue.IsClosed && !_cell.AwaitingTask)
        {
            // The backlog is older than anything still on the stack.
            var messages = _systemBacklog ?? TakeSystemMessages();
            _systemBacklog = null;
            if (messages is null)
                return;
            InvokeAll(messages);
        }
    }

    // Only reached once the queue is closed, so InvokeAll routes everything to the after-close handling.
    private void DrainSystemAfterClose() => InvokeAll(TakeSystemMessages());

    private void InvokeAll(SystemMessage? message)
    {
        while (message is not null)
        {
            if (_cell.AwaitingTask && !_queue.IsClosed)
            {
                // A lifecycle hook (PreStart, PostRestart) started an awaited task: like an async handler it
                // holds the mailbox, so the rest of this batch (a Terminate, say) waits for the next turn.
                _systemBacklog = message;
                return;
            }
            var current = message;
            message = message.Next;
            current.Next = null;
            if (_queue.IsClosed)
                _cell.SystemInvokeAfterClose(current);
            else
                _cell.SystemInvoke(current);
        }
    }

    /// <summary>Takes every queued system message, oldest first.</summary>
    private SystemMessage? TakeSystemMessages()
    {
        var stack = Interlocked.Exchange(ref _systemStack, null);
        SystemMessage? fifo = null;
        while (stack is not null)
        {
            var next = stack.Next;
            stack.Next = fifo;
            fifo = stack;
            stack = next;
        }
        return fifo;
    }
}
