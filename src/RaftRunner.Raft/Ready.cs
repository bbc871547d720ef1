using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Raft;

/// <summary>
/// What the core needs done, in this order: send <see cref="MessagesNow"/> (they depend on nothing new);
/// write <see cref="SnapshotWrites"/> (chunks of a snapshot arriving from the leader); make
/// <see cref="LogWrite"/> (which may install a finished snapshot first), <see cref="HardState"/> and
/// <see cref="Membership"/> durable; then send <see cref="MessagesAfterPersist"/>
/// (votes and acknowledgements that promise what was just persisted) and <see cref="Replies"/>; apply
/// <see cref="CommittedEntries"/> in order (restoring <see cref="SnapshotToApply"/> first when set; reporting progress with <see cref="RaftCore.Applied"/>); then call
/// <see cref="RaftCore.Advance"/>. This is etcd-io/raft's Ready contract and zmq-raft's "reply after the
/// write" rule (spec §0.5).
/// </summary>
public sealed record Ready(
    HardState? HardState,
    LogWrite? LogWrite,
    IReadOnlyList<PeerMessage> MessagesNow,
    IReadOnlyList<PeerMessage> MessagesAfterPersist,
    IReadOnlyList<ClientReply> Replies,
    IReadOnlyList<Protocol.LogEntry> CommittedEntries,
    IReadOnlyList<SnapshotChunkWrite> SnapshotWrites,
    MembershipState? Membership,
    SnapshotInstall? SnapshotToApply,
    RaftRole Role,
    string? LeaderId,
    long CommitIndex)
{
    public bool MustPersist => HardState is not null || LogWrite is not null || Membership is not null || SnapshotWrites.Count > 0;
}
