using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.Hosting;

/// <summary>The node's role, term, known leader or cluster membership changed.</summary>
public sealed class RaftStateChangedEventArgs(RaftRole role, ulong term, string? leaderId, IReadOnlyList<PeerInfo> peers) : EventArgs
{
    public RaftRole Role { get; } = role;

    public ulong Term { get; } = term;

    /// <summary>The leader this node knows of, or null.</summary>
    public string? LeaderId { get; } = leaderId;

    public bool IsLeader => Role == RaftRole.Leader;

    /// <summary>Every peer of the configuration the node follows.</summary>
    public IReadOnlyList<PeerInfo> Peers { get; } = peers;
}
