using RaftRunner.Protocol;

namespace RaftRunner.Raft.Membership;

/// <summary>
/// The membership part of raft.pers (zmq-raft's <c>peers</c>, <c>peersIndex</c>, <c>peersUpdateRequest</c>): the
/// configuration in force, the index of the CONFIG entry it came from (null for the configuration a node was
/// created with), and that entry's request id — the key a retried ConfigUpdate is matched against.
/// <see cref="Committed"/> and <see cref="CommittedIndex"/> are RaftRunner's addition: the latest configuration
/// known committed, which an uncommitted one that is truncated away falls back to (zmq-raft never rolls back,
/// Q7). Null when unknown (a zmq-raft data directory): then the configuration in force is taken.
/// </summary>
public sealed record MembershipState(
    ClusterConfiguration Configuration,
    long? PeersIndex = null,
    RequestId? UpdateRequest = null,
    ClusterConfiguration? Committed = null,
    long? CommittedIndex = null)
{
    public static MembershipState Initial(ClusterConfiguration configuration) => new(configuration, Committed: configuration);
}
