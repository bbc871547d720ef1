namespace RaftRunner.Raft.Log;

/// <summary>
/// One chunk of a snapshot arriving from the leader, to be written at <see cref="Offset"/> of the temporary
/// snapshot identified by (<see cref="Index"/>, <see cref="Term"/>, <see cref="TotalSize"/>). A chunk for a
/// different identity starts a new temporary snapshot (the old one is discarded), as zmq-raft's follower does.
/// The finished snapshot is installed by the <see cref="LogWrite.InstallSnapshot"/> that follows.
/// </summary>
public sealed record SnapshotChunkWrite(long Index, ulong Term, long TotalSize, long Offset, ReadOnlyMemory<byte> Chunk);
