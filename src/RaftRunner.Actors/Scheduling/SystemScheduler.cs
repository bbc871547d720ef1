using System.Diagnostics;

namespace RaftRunner.Actors.Scheduling;

/// <summary>Real time: each schedule is a <see cref="Timer"/> firing on the thread pool's timer queue.</summary>
public sealed class SystemScheduler : IScheduler
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public TimeSpan Now => Stopwatch.GetElapsedTime(_start);

    public ICancelable ScheduleOnce(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return new TimerCancelable(action, SchedulerExtensions.ClampDelay(delay), Timeout.InfiniteTimeSpan, once: true);
    }

    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        SchedulerExtensions.CheckInterval(interval);
        return new TimerCancelable(action, SchedulerExtensions.ClampDelay(initialDelay), interval, once: false);
    }

    private sealed class TimerCancelable : ICancelable
    {
        private readonly Action _action;
        private readonly bool _once;
        private readonly Timer _timer;
        private int _cancelled;

        public TimerCancelable(Action action, TimeSpan due, TimeSpan period, bool once)
        {
            _action = action;
            _once = once;
            // Created stopped and then started, so the callback can never see an unassigned _timer.
            _timer = new Timer(static s => ((TimerCancelable)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(due, period);
        }

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) == 1;

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 0)
                _timer.Dispose();
        }

        private void Fire()
        {
            if (IsCancellationRequested)
                return;
            if (_once)
                Cancel();
            _action();
        }
    }
}
