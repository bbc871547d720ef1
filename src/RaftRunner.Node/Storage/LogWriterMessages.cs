using RaftRunner.Raft.Log;

namespace RaftRunner.Node.Storage;

/// <summary>Peer → log writer: make <see cref="Job"/> durable; jobs are carried out in <see cref="Sequence"/> order.</summary>
public sealed record Persist(long Sequence, StorageJob Job);

/// <summary>Log writer → peer: the job is durable, with the received snapshots it installed (in order).</summary>
public sealed record Persisted(long Sequence, IReadOnlyList<SnapshotInstall> InstalledSnapshots);

/// <summary>→ log writer: answer <see cref="WriteBarrierPassed"/> once every job sent before this is durable.</summary>
public sealed record WriteBarrier
{
    public static readonly WriteBarrier Instance = new();
}

/// <summary>Log writer → asker: nothing sent before the <see cref="WriteBarrier"/> is still being written.</summary>
public sealed record WriteBarrierPassed
{
    public static readonly WriteBarrierPassed Instance = new();
}

/// <summary>
/// → log writer: this node's own snapshot is written at <see cref="SnapshotPath"/>; put it in place and compact the
/// log — unless a snapshot at its index or later (the leader's) was installed meanwhile: then it is deleted.
/// </summary>
public sealed record CompactLog(string SnapshotPath, bool PruneFiles = true);

/// <summary>Log writer → asker: the log now starts after <see cref="SnapshotIndex"/>; <see cref="Used"/> is false when the taken snapshot was dropped.</summary>
public sealed record LogCompacted(long SnapshotIndex, bool Used = true);
