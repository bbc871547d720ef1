using RaftRunner.Protocol;

namespace RaftRunner.Raft.Membership;

/// <summary>
/// The voting configuration a node works with: the final configuration, or during joint consensus the old
/// and the new one together (zmq-raft's cluster_configuration.js). Decisions that need a majority need one
/// in every configuration present; messages go to every peer of either.
/// </summary>
public sealed class ClusterConfiguration
{
    private ClusterConfiguration(IReadOnlyList<PeerInfo> peers, IReadOnlyList<PeerInfo>? oldPeers)
    {
        Peers = peers;
        OldPeers = oldPeers;
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in oldPeers ?? [])
            all[p.Id] = p.Url;
        foreach (var p in peers)
            all[p.Id] = p.Url;
        AllPeers = all.Select(kv => new PeerInfo(kv.Key, kv.Value)).ToArray();
        NewIds = peers.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        OldIds = oldPeers?.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The new (or only) configuration.</summary>
    public IReadOnlyList<PeerInfo> Peers { get; }

    /// <summary>The old configuration while joint consensus is under way; null otherwise.</summary>
    public IReadOnlyList<PeerInfo>? OldPeers { get; }

    public bool IsTransitional => OldPeers is not null;

    /// <summary>Every peer of either configuration, once each.</summary>
    public IReadOnlyList<PeerInfo> AllPeers { get; }

    internal HashSet<string> NewIds { get; }

    internal HashSet<string>? OldIds { get; }

    public static ClusterConfiguration From(ConfigEntryData data) =>
        new(data.Peers, data.OldPeers);

    public static ClusterConfiguration Final(IReadOnlyList<PeerInfo> peers) => new(peers, null);

    public ConfigEntryData ToEntryData() => OldPeers is null ? ConfigEntryData.Final(Peers) : ConfigEntryData.Transitional(OldPeers, Peers);

    /// <summary>A voter in some configuration present (zmq-raft's <c>isMember</c>).</summary>
    public bool IsMember(string id) => NewIds.Contains(id) || OldIds?.Contains(id) == true;

    /// <summary>
    /// True when the peers for which <paramref name="has"/> holds form a majority of the new configuration and,
    /// while transitional, of the old one too.
    /// </summary>
    public bool HasMajority(Func<string, bool> has)
    {
        ArgumentNullException.ThrowIfNull(has);
        return IsMajorityOf(NewIds, has) && (OldIds is null || IsMajorityOf(OldIds, has));
    }

    /// <summary>zmq-raft's majority: floor(n / 2) + 1.</summary>
    public static int Majority(int voters) => voters / 2 + 1;

    private static bool IsMajorityOf(HashSet<string> voters, Func<string, bool> has)
    {
        var count = 0;
        foreach (var id in voters)
        {
            if (has(id))
                count++;
        }
        return count >= Majority(voters.Count);
    }

    public override string ToString() => ToEntryData().ToString();
}
