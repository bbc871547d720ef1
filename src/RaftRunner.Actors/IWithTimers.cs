namespace RaftRunner.Actors;

/// <summary>An actor with keyed timers; the kernel assigns <see cref="Timers"/> right after construction, before PreStart (so start timers in PreStart, not in the constructor).</summary>
public interface IWithTimers
{
    ITimerScheduler Timers { get; set; }
}
