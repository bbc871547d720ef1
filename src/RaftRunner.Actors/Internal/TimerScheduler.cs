using RaftRunner.Actors.Scheduling;

namespace RaftRunner.Actors.Internal;

/// <summary>
/// The kernel's <see cref="ITimerScheduler"/>. Each start gets a new generation; the scheduled message
/// carries it, and the cell delivers a <see cref="TimerFired"/> only if its generation is still current,
/// which is how a cancelled timer's message that is already in the mailbox gets dropped.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, ActiveTimer> _timers = [];
    private long _generation;

    public IReadOnlyCollection<object> ActiveTimers => _timers.Keys;

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, null);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) => Start(key, message, initialDelay, interval);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var timer))
            timer.Schedule.Cancel();
    }

    public void CancelAll()
    {
        foreach (var timer in _timers.Values)
            timer.Schedule.Cancel();
        _timers.Clear();
    }

    /// <summary>Unwraps a fired timer: its message if the timer is still current, otherwise null (drop it).</summary>
    public object? Accept(TimerFired fired)
    {
        if (!_timers.TryGetValue(fired.Key, out var timer) || timer.Generation != fired.Generation)
            return null;
        if (!timer.Periodic)
            _timers.Remove(fired.Key);
        return timer.Message;
    }

    private void Start(object key, object message, TimeSpan delay, TimeSpan? interval)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var fired = new TimerFired(key, ++_generation);
        var self = cell.Self;
        var scheduler = cell.System.Scheduler;
        var schedule = interval is { } every
            ? scheduler.ScheduleTellRepeatedly(delay, every, self, fired)
            : scheduler.ScheduleTellOnce(delay, self, fired);
        _timers[key] = new ActiveTimer(message, fired.Generation, interval is not null, schedule);
    }

    private sealed record ActiveTimer(object Message, long Generation, bool Periodic, ICancelable Schedule);
}

/// <summary>What a timer actually sends to its actor; the cell swaps it for the timer's message.</summary>
internal sealed record TimerFired(object Key, long Generation);
