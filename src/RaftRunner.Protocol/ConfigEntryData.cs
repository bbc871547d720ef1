using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Protocol;

/// <summary>
/// The data of a CONFIG log entry: the final configuration (a peer list) or, during joint consensus, the
/// transitional one (<c>{old: […], new: […]}</c>), MessagePack-encoded as zmq-raft writes it.
/// </summary>
public sealed record ConfigEntryData
{
    private ConfigEntryData(IReadOnlyList<PeerInfo> peers, IReadOnlyList<PeerInfo>? oldPeers)
    {
        Peers = peers;
        OldPeers = oldPeers;
    }

    /// <summary>The new (or only) configuration.</summary>
    public IReadOnlyList<PeerInfo> Peers { get; }

    /// <summary>The old configuration of a transitional entry; null for a final one.</summary>
    public IReadOnlyList<PeerInfo>? OldPeers { get; }

    public bool IsTransitional => OldPeers is not null;

    public static ConfigEntryData Final(IReadOnlyList<PeerInfo> peers) => new(peers, null);

    public static ConfigEntryData Transitional(IReadOnlyList<PeerInfo> oldPeers, IReadOnlyList<PeerInfo> newPeers) => new(newPeers, oldPeers);

    public byte[] Encode() => MessagePackCodec.Encode(OldPeers is null
        ? JsonValues.PeersValue(Peers)
        : MessagePackValue.Map(
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("old"), JsonValues.PeersValue(OldPeers)),
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("new"), JsonValues.PeersValue(Peers))));

    public static bool TryDecode(ReadOnlySpan<byte> data, out ConfigEntryData config, out string? error)
    {
        config = Final([]);
        if (!MessagePackCodec.TryDecode(data, out var value, out _, out error))
        {
            error = $"CONFIG entry data is not MessagePack: {error}";
            return false;
        }
        if (value.TryGetArray(out _))
        {
            if (!JsonValues.TryReadPeers(value, out var peers, out error))
                return false;
            config = Final(peers);
            return true;
        }
        if (value.TryGetProperty("old", out var oldValue) && value.TryGetProperty("new", out var newValue))
        {
            if (!JsonValues.TryReadPeers(oldValue, out var oldPeers, out error) || !JsonValues.TryReadPeers(newValue, out var newPeers, out error))
                return false;
            config = Transitional(oldPeers, newPeers);
            return true;
        }
        error = "CONFIG entry data must be a peer list or {old, new}";
        return false;
    }

    public bool Equals(ConfigEntryData? other) =>
        other is not null && Peers.SequenceEqual(other.Peers) &&
        (OldPeers is null ? other.OldPeers is null : other.OldPeers is not null && OldPeers.SequenceEqual(other.OldPeers));

    public override int GetHashCode() => HashCode.Combine(Peers.Count, OldPeers?.Count);

    public override string ToString() => OldPeers is null
        ? $"[{string.Join(", ", Peers)}]"
        : $"{{old: [{string.Join(", ", OldPeers)}], new: [{string.Join(", ", Peers)}]}}";
}
