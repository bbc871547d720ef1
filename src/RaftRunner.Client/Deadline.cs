using System.Diagnostics;

namespace RaftRunner.Client;

/// <summary>When a call's time is up (<see cref="Timeout.InfiniteTimeSpan"/> never), on the monotonic clock.</summary>
internal readonly struct Deadline
{
    private readonly long _endTimestamp; // long.MaxValue: never

    private Deadline(long endTimestamp, TimeSpan budget)
    {
        _endTimestamp = endTimestamp;
        Budget = budget;
    }

    public TimeSpan Budget { get; }

    public static Deadline After(TimeSpan budget) => budget == Timeout.InfiniteTimeSpan
        ? new Deadline(long.MaxValue, budget)
        : new Deadline(Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency), budget);

    public static Deadline Never => new(long.MaxValue, Timeout.InfiniteTimeSpan);

    public bool IsExpired => _endTimestamp != long.MaxValue && Stopwatch.GetTimestamp() >= _endTimestamp;

    /// <summary>What is left, at least zero; <see cref="Timeout.InfiniteTimeSpan"/> when there is no end.</summary>
    public TimeSpan Remaining => _endTimestamp == long.MaxValue
        ? Timeout.InfiniteTimeSpan
        : TimeSpan.FromSeconds(Math.Max(0, _endTimestamp - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);

    /// <summary><paramref name="wait"/>, cut to what is left.</summary>
    public TimeSpan Cap(TimeSpan wait) => _endTimestamp == long.MaxValue || wait < Remaining ? wait : Remaining;

    public void ThrowIfExpired(string what)
    {
        if (IsExpired)
            throw new TimeoutException($"{what} did not succeed within {Budget}");
    }
}
