using RaftRunner.Raft.Log;

namespace RaftRunner.Raft;

/// <summary>
/// What the core needs done, in this order: send <see cref="MessagesNow"/> (they depend on nothing new);
/// make <see cref="HardState"/> and <see cref="LogWrite"/> durable; then send <see cref="MessagesAfterPersist"/>
/// (votes and acknowledgements that promise what was just persisted) and <see cref="Replies"/>; apply
/// <see cref="CommittedEntries"/> in order (reporting progress with <see cref="RaftCore.Applied"/>); then call
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
    RaftRole Role,
    string? LeaderId,
    long CommitIndex)
{
    public bool MustPersist => HardState is not null || LogWrite is not null;
}
