using RaftRunner.Protocol;

namespace RaftRunner.Client;

/// <summary>The cluster as its leader reports it (RequestConfig): the leader's id and url, and every peer (old and new during a change).</summary>
public sealed record RaftClusterConfig(string LeaderId, string LeaderUrl, IReadOnlyList<PeerInfo> Peers)
{
    public override string ToString() => $"leader {LeaderId} at {LeaderUrl}, peers [{string.Join(", ", Peers)}]";
}
