using RaftRunner.Raft;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Node.Storage;

/// <summary>
/// The durable part of one Ready, carried out in the Ready's order: snapshot chunks, the log write (a finished
/// snapshot installed first), then hard state and membership. Nothing of it may be acknowledged before all of it
/// is durable.
/// </summary>
public sealed record StorageJob(
    IReadOnlyList<SnapshotChunkWrite> SnapshotChunks,
    LogWrite? LogWrite,
    HardState? HardState,
    MembershipState? Membership)
{
    public static StorageJob From(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        return new(ready.SnapshotWrites, ready.LogWrite, ready.HardState, ready.Membership);
    }

    public bool IsEmpty => SnapshotChunks.Count == 0 && LogWrite is null && HardState is null && Membership is null;
}
