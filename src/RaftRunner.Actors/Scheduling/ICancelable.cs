namespace RaftRunner.Actors.Scheduling;

/// <summary>A scheduled action that can be withdrawn; cancelling twice or after it ran is harmless.</summary>
public interface ICancelable
{
    bool IsCancellationRequested { get; }

    void Cancel();
}
