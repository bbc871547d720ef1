namespace RaftRunner.Actors.Scheduling;

public static class SchedulerExtensions
{
    public static ICancelable ScheduleTellOnce(this IScheduler scheduler, TimeSpan delay, IActorRef receiver, object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        return scheduler.ScheduleOnce(delay, () => receiver.Tell(message, sender));
    }

    public static ICancelable ScheduleTellRepeatedly(this IScheduler scheduler, TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        return scheduler.ScheduleRepeatedly(initialDelay, interval, () => receiver.Tell(message, sender));
    }

    internal static void CheckInterval(TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "a repeating schedule needs a positive interval");
    }

    internal static TimeSpan ClampDelay(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
}
