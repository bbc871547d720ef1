using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Protocol.Frames;

/// <summary>The MessagePack-encoded ("json") values that zmq-raft's frames and CONFIG entries carry.</summary>
public static class JsonValues
{
    /// <summary>A LEADER ID: a string, or nil when there is no leader.</summary>
    public static ReadOnlyMemory<byte> EncodeLeaderId(string? leaderId) =>
        MessagePackCodec.Encode(leaderId is null ? MessagePackValue.Nil : MessagePackValue.From(leaderId));

    public static bool TryReadLeaderId(MessagePackValue value, out string? leaderId)
    {
        leaderId = null;
        if (value.IsNil)
            return true;
        if (value.TryGetString(out var s))
        {
            leaderId = s;
            return true;
        }
        return false;
    }

    /// <summary>A LOG INDEX as a JSON number (msgpack-lite writes numbers of 2^31 and above as float64).</summary>
    public static ReadOnlyMemory<byte> EncodeIndex(ulong index) => MessagePackCodec.Encode(MessagePackValue.From(index));

    /// <summary>A peer list: <c>[[id, url], …]</c>.</summary>
    public static MessagePackValue PeersValue(IEnumerable<PeerInfo> peers) =>
        MessagePackValue.Array(peers.Select(p => MessagePackValue.Array(MessagePackValue.From(p.Id), MessagePackValue.From(p.Url))));

    public static ReadOnlyMemory<byte> EncodePeers(IEnumerable<PeerInfo> peers) => MessagePackCodec.Encode(PeersValue(peers));

    public static bool TryReadPeers(MessagePackValue value, out IReadOnlyList<PeerInfo> peers, out string? error)
    {
        peers = [];
        if (!value.TryGetArray(out var items))
        {
            error = "peers must be an array of [id, url] pairs";
            return false;
        }
        var list = new PeerInfo[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (!items[i].TryGetArray(out var pair) || pair.Count < 2 || !pair[0].TryGetString(out var id) || !pair[1].TryGetString(out var url))
            {
                error = $"peer {i} must be an array of two strings [id, url]";
                return false;
            }
            list[i] = new PeerInfo(id, url);
        }
        peers = list;
        error = null;
        return true;
    }
}
