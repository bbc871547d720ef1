namespace RaftRunner.Actors;

/// <summary>
/// Timers owned by one actor, named by a key. Starting a timer under a key that is in use replaces it,
/// and a cancelled or replaced timer's message is never delivered, even if it was already on its way.
/// Every timer is cancelled when the actor stops or restarts. Use only from the actor's own turn.
/// </summary>
public interface ITimerScheduler
{
    void StartSingleTimer(object key, object message, TimeSpan delay);

    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    bool IsTimerActive(object key);

    IReadOnlyCollection<object> ActiveTimers { get; }

    void Cancel(object key);

    void CancelAll();
}
