using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.Node.Peer;

/// <summary>→ peer: what the node is doing now.</summary>
public sealed record GetNodeStatus
{
    public static readonly GetNodeStatus Instance = new();
}

/// <summary>Peer → asker: a node's Raft state at one moment.</summary>
public sealed record NodeStatus(
    string NodeId, RaftRole Role, ulong Term, string? LeaderId, long FirstIndex, long CommitIndex, long LastApplied, long LastIndex,
    IReadOnlyList<PeerInfo> Peers, bool IsTransitional);

/// <summary>→ peer: send <see cref="RoleChanged"/> to the sender on every change of role, term, leader or configuration (and now).</summary>
public sealed record SubscribeRoleChanges
{
    public static readonly SubscribeRoleChanges Instance = new();
}

/// <summary>
/// Peer → subscribers: the node's role, term, known leader or configuration changed. <see cref="Peers"/> is every
/// peer of the configuration this node follows (both sides of a joint one).
/// </summary>
public sealed record RoleChanged(string NodeId, RaftRole Role, ulong Term, string? LeaderId, IReadOnlyList<PeerInfo> Peers);
