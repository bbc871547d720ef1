using RaftRunner.Node.Snapshots;

namespace RaftRunner.Node.Applying;

/// <summary>How <see cref="StateMachineApplierActor"/> runs.</summary>
public sealed record ApplierSettings
{
    public static ApplierSettings Default { get; } = new();

    /// <summary>
    /// How many of the most recent request ids (with their indexes) the applier remembers for the next snapshot's
    /// envelope; older ones are dropped first. At most <see cref="SnapshotEnvelope.MaxRequestIdsLimit"/>.
    /// </summary>
    public int MaxRequestIds { get; init; } = SnapshotEnvelope.DefaultMaxRequestIds;

    /// <summary>How long one <c>ApplyAsync</c> may take before its token is cancelled (infinite: never).</summary>
    public TimeSpan ApplyTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one <c>QueryAsync</c> may take before its token is cancelled.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long writing or restoring a whole snapshot may take before the state machine's token is cancelled.</summary>
    public TimeSpan SnapshotTimeout { get; init; } = TimeSpan.FromMinutes(30);

    internal void Validate()
    {
        if (MaxRequestIds is < 0 or > SnapshotEnvelope.MaxRequestIdsLimit)
            throw new ArgumentOutOfRangeException(nameof(MaxRequestIds), MaxRequestIds, $"between 0 and {SnapshotEnvelope.MaxRequestIdsLimit}");
        CheckTimeout(ApplyTimeout, nameof(ApplyTimeout));
        CheckTimeout(QueryTimeout, nameof(QueryTimeout));
        CheckTimeout(SnapshotTimeout, nameof(SnapshotTimeout));
    }

    private static void CheckTimeout(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && value <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, value, "a timeout is positive or Timeout.InfiniteTimeSpan");
    }
}
