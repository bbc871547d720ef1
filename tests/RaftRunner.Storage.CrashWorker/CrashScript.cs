namespace RaftRunner.Storage.CrashWorker;

/// <summary>
/// The worker's operations, decided only by the seed and the log's current state, so the test can replay
/// exactly what a killed worker was doing from the state it found on disk.
/// </summary>
public sealed class CrashScript(int seed, long round)
{
    // Not HashCode.Combine: it is randomised per process, and the test replays this in another process.
    private readonly Random _random = new(unchecked(seed * 1_000_003 + (int)round));
    private long _operation;

    /// <summary>The next operation given the log's last index and the snapshot's index.</summary>
    public CrashOperation Next(long lastIndex, long snapshotIndex)
    {
        _operation++;
        var generation = round * 1_000_000 + _operation;
        var roll = _random.Next(16);
        if (lastIndex > snapshotIndex && roll < 2)
            return new CrashOperation(generation, CrashOperationKind.Truncate, Math.Max(snapshotIndex, lastIndex - _random.Next(1, 40)), 0);
        if (lastIndex > snapshotIndex && roll == 2)
            return new CrashOperation(generation, CrashOperationKind.Snapshot, snapshotIndex + 1 + _random.NextInt64(lastIndex - snapshotIndex), 0);
        return new CrashOperation(generation, CrashOperationKind.Append, 0, _random.Next(1, 33));
    }
}

public enum CrashOperationKind
{
    Append,
    Truncate,
    Snapshot,
}

/// <summary>One step: append <see cref="Count"/> entries, truncate after <see cref="Index"/>, or snapshot up to <see cref="Index"/>.</summary>
public readonly record struct CrashOperation(long Generation, CrashOperationKind Kind, long Index, int Count);
