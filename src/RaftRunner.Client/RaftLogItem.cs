namespace RaftRunner.Client;

/// <summary>
/// One item of an entries stream (<see cref="RaftClient.ReadEntriesAsync(long, CancellationToken)"/>,
/// <see cref="RaftClient.SubscribeAsync"/>): a log entry (<see cref="LogEntryItem"/>) or a chunk of the snapshot the
/// log was compacted into (<see cref="SnapshotChunkItem"/>), in log order.
/// </summary>
/// <remarks>
/// A stream that starts before the leader's first log index begins with the snapshot: chunks of one snapshot, offsets
/// from 0 up to its size, then the entries after the snapshot's index. A chunk at offset 0 starts a snapshot afresh
/// (after a leader change the new leader's snapshot may differ): drop any partly received one. Should entries follow
/// an incomplete snapshot, the partial snapshot is void and the entries continue from the index before it.
/// </remarks>
public abstract record RaftLogItem(long Index);
