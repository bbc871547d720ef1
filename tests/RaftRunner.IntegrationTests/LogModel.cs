using RaftRunner.Storage.CrashWorker;

namespace RaftRunner.IntegrationTests;

/// <summary>
/// What a crash-test data directory should hold: the snapshot's index and, for every log entry after it, the
/// generation (operation) that wrote it. Applying the worker's script to a model gives the states a killed
/// worker may have left behind.
/// </summary>
internal sealed record LogModel(long SnapshotIndex, long[] Generations)
{
    public static LogModel Empty { get; } = new(0, []);

    public long LastIndex => SnapshotIndex + Generations.Length;

    public LogModel Apply(CrashOperation op) => op.Kind switch
    {
        CrashOperationKind.Append => this with { Generations = [.. Generations, .. Enumerable.Repeat(op.Generation, op.Count)] },
        CrashOperationKind.Truncate => this with { Generations = Generations[..(int)(op.Index - SnapshotIndex)] },
        _ => new LogModel(op.Index, Generations[(int)(op.Index - SnapshotIndex)..]),
    };

    /// <summary>
    /// Whether <paramref name="found"/> is this state, or a state that <paramref name="op"/>, interrupted, can
    /// leave: an append cut after a prefix of its batch, a truncation cut anywhere between its target and the
    /// old end, a snapshot either installed or not (an atomic rename).
    /// </summary>
    public bool Admits(LogModel found, CrashOperation op)
    {
        if (Same(this, found))
            return true;
        var after = Apply(op);
        return op.Kind switch
        {
            CrashOperationKind.Append => found.SnapshotIndex == SnapshotIndex && found.LastIndex >= LastIndex && found.LastIndex <= after.LastIndex
                                         && found.Generations.AsSpan().SequenceEqual(after.Generations.AsSpan(0, found.Generations.Length)),
            CrashOperationKind.Truncate => found.SnapshotIndex == SnapshotIndex && found.LastIndex >= op.Index && found.LastIndex <= LastIndex
                                           && found.Generations.AsSpan().SequenceEqual(Generations.AsSpan(0, found.Generations.Length)),
            _ => Same(after, found),
        };
    }

    private static bool Same(LogModel a, LogModel b) => a.SnapshotIndex == b.SnapshotIndex && a.Generations.AsSpan().SequenceEqual(b.Generations);

    public override string ToString() => $"snapshot {SnapshotIndex}, entries {SnapshotIndex + 1}..{LastIndex}";
}
