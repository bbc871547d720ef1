namespace RaftRunner.Actors.Scheduling;

/// <summary>
/// Time that moves only when a test calls <see cref="Advance"/>. Due actions run on the advancing thread,
/// in due-time order (ties in the order they were scheduled), so a test of timeouts runs in microseconds
/// and gives the same result every time.
/// </summary>
public sealed class VirtualTimeScheduler : IScheduler
{
    private readonly object _gate = new();
    private readonly PriorityQueue<Item, (TimeSpan Due, long Seq)> _queue = new();
    private TimeSpan _now;
    private long _seq;

    public TimeSpan Now
    {
        get { lock (_gate) return _now; }
    }

    /// <summary>How many schedules are waiting (cancelled ones are dropped lazily and may still count).</summary>
    public int Pending
    {
        get { lock (_gate) return _queue.Count; }
    }

    public ICancelable ScheduleOnce(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Enqueue(new Item(action, null), SchedulerExtensions.ClampDelay(delay));
    }

    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        SchedulerExtensions.CheckInterval(interval);
        return Enqueue(new Item(action, interval), SchedulerExtensions.ClampDelay(initialDelay));
    }

    /// <summary>Moves time forward by <paramref name="by"/>, running everything that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(by), by, "virtual time cannot go backwards");
        TimeSpan target;
        lock (_gate) target = _now + by;
        AdvanceTo(target);
    }

    public void AdvanceTo(TimeSpan target)
    {
        while (true)
        {
            Item? due = null;
            lock (_gate)
            {
                if (target < _now)
                    throw new ArgumentOutOfRangeException(nameof(target), target, $"virtual time is already at {_now}");
                while (_queue.TryPeek(out var item, out var key) && key.Due <= target)
                {
                    _queue.Dequeue();
                    if (item.IsCancellationRequested)
                        continue;
                    _now = key.Due;
                    if (item.Interval is { } interval)
                        _queue.Enqueue(item, (key.Due + interval, _seq++));
                    due = item;
                    break;
                }
                if (due is null)
                {
                    _now = target;
                    return;
                }
            }
            // Run outside the lock: the action may schedule again (a timer re-arming itself).
            due.Run();
        }
    }

    private Item Enqueue(Item item, TimeSpan delay)
    {
        lock (_gate)
            _queue.Enqueue(item, (_now + delay, _seq++));
        return item;
    }

    private sealed class Item(Action action, TimeSpan? interval) : ICancelable
    {
        private int _cancelled;

        public TimeSpan? Interval { get; } = interval;

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) == 1;

        public void Cancel() => Volatile.Write(ref _cancelled, 1);

        public void Run()
        {
            if (Interval is null)
                Cancel();
            action();
        }
    }
}
