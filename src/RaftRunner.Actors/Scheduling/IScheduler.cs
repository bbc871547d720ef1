namespace RaftRunner.Actors.Scheduling;

/// <summary>
/// The actor system's clock. Actors take time only from here (timers, scheduled tells), so a test can
/// swap in <see cref="VirtualTimeScheduler"/> and move time by hand. Actions run on the scheduler's own
/// thread (or the thread that advances virtual time) and must be short: they normally just Tell. An action
/// that throws never ends the process: <see cref="SystemScheduler"/> logs it, <see cref="VirtualTimeScheduler"/>
/// rethrows it from Advance on the test's thread.
/// </summary>
public interface IScheduler
{
    /// <summary>Monotonic time since the scheduler started.</summary>
    TimeSpan Now { get; }

    ICancelable ScheduleOnce(TimeSpan delay, Action action);

    /// <summary>Runs <paramref name="action"/> after <paramref name="initialDelay"/> and then every <paramref name="interval"/> (which must be positive).</summary>
    ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action);
}
