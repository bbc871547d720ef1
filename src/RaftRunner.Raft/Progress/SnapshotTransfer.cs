namespace RaftRunner.Raft.Progress;

/// <summary>As leader: the snapshot being sent to one follower, identified so a compaction mid-transfer is noticed.</summary>
internal sealed record SnapshotTransfer(long Index, ulong Term, long Size);
