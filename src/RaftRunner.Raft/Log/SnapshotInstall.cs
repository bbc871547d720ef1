namespace RaftRunner.Raft.Log;

/// <summary>
/// A snapshot to install as the log's new start: <see cref="KeepLogAfter"/> true is a compaction (the log holds
/// the snapshot's term at its index, so the entries after it stay); false discards the whole log and its
/// request-id cache (zmq-raft's FileLog.installSnapshot, spec §5.2 step 7).
/// </summary>
public readonly record struct SnapshotInstall(long Index, ulong Term, bool KeepLogAfter);
