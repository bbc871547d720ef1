using System.Runtime.ExceptionServices;

namespace RaftRunner.Actors.Scheduling;

/// <summary>
/// Time that moves only when a test calls <see cref="Advance"/>. Due actions run on the advancing thread,
/// in due-time order (ties in the order they were scheduled), so a test of timeouts runs in microseconds
/// and gives the same result every time. An action that throws does not stop the clock: the other due
/// actions still run and time still reaches the target, and then <see cref="Advance"/> rethrows on the
/// test's thread, where a failure belongs (several failures come as one <see cref="AggregateException"/>).
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

    /// <summary>Moves time forward by <paramref name="by"/>, running everything that falls due on the way; rethrows what they threw.</summary>
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
        List<Exception>? failures = null;
        while (NextDue(target) is { } due)
        {
            // Run outside the lock: the action may schedule again (a timer re-arming itself).
            try
            {
                due.Run();
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }
        if (failures is [var single])
            ExceptionDispatchInfo.Throw(single);
        if (failures is not null)
            throw new AggregateException($"{failures.Count} scheduled actions threw while advancing virtual time to {target}", failures);
    }

    /// <summary>The next action due by <paramref name="target"/> with the clock moved to its due time; null (clock at target) when none is left.</summary>
    private Item? NextDue(TimeSpan target)
    {
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
                return item;
            }
            _now = target;
            return null;
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
