using RaftRunner.Protocol;

namespace RaftRunner.Raft.Membership;

/// <summary>
/// What a leader makes of a ConfigUpdate's peer list: the new configuration's peers, the
/// <c>{name, message}</c> zmq-raft replies with status 2, or <see cref="Busy"/> (status 3) when a joint
/// configuration is already in place.
/// </summary>
public readonly record struct PeerListValidation(IReadOnlyList<PeerInfo>? NewPeers, string? ErrorName, string? ErrorMessage, bool Busy)
{
    /// <summary>True when the list starts a joint configuration: <c>{old: current.Peers, new: NewPeers}</c>.</summary>
    public bool IsAccepted => NewPeers is not null;

    internal static PeerListValidation Accepted(IReadOnlyList<PeerInfo> peers) => new(peers, null, null, false);

    internal static PeerListValidation Refused(string name, string message) => new(null, name, message, false);

    internal static PeerListValidation InTransition => new(null, null, null, true);
}
