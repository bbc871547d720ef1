using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RaftRunner.Actors.Scheduling;

/// <summary>
/// Real time: each schedule is a <see cref="Timer"/> firing on the thread pool's timer queue. An action that
/// throws is logged and the schedule carries on: an exception escaping a timer callback would end the process.
/// </summary>
public sealed class SystemScheduler : IScheduler
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly ILogger _logger;

    /// <param name="logger">Where a throwing action is reported (the actor system passes its own log); none: it is dropped.</param>
    public SystemScheduler(ILogger? logger = null) => _logger = logger ?? NullLogger.Instance;

    public TimeSpan Now => Stopwatch.GetElapsedTime(_start);

    public ICancelable ScheduleOnce(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return new TimerCancelable(this, action, SchedulerExtensions.ClampDelay(delay), Timeout.InfiniteTimeSpan, once: true);
    }

    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        SchedulerExtensions.CheckInterval(interval);
        return new TimerCancelable(this, action, SchedulerExtensions.ClampDelay(initialDelay), interval, once: false);
    }

    private void Run(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            try
            {
                _logger.LogError(e, "A scheduled action threw {Exception}: {Error}", e.GetType().Name, e.Message);
            }
            catch (Exception)
            {
                // A logger that throws must not take the process down either.
            }
        }
    }

    private sealed class TimerCancelable : ICancelable
    {
        private readonly SystemScheduler _scheduler;
        private readonly Action _action;
        private readonly bool _once;
        private readonly Timer _timer;
        private int _cancelled;

        public TimerCancelable(SystemScheduler scheduler, Action action, TimeSpan due, TimeSpan period, bool once)
        {
            _scheduler = scheduler;
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
            _scheduler.Run(_action);
        }
    }
}
