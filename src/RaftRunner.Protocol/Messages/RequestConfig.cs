using RaftRunner.Protocol.Frames;

namespace RaftRunner.Protocol.Messages;

/// <summary>RequestConfig RPC request (PROTO.md): who leads, and the cluster's peers. Any peer answers.</summary>
public readonly record struct RequestConfigRequest(uint RequestId)
{
    private const string Name = "RequestConfig request";

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret) =>
        [FrameCodec.EncodeUInt(RequestId), MessageTypes.Frame(MessageTypes.RequestConfig), secret];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestConfigRequest request, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(3) && r.UInt32(1, out var id) && r.Type(2, MessageTypes.RequestConfig))
        {
            request = new RequestConfigRequest(id);
            error = null;
            return true;
        }
        request = default;
        error = r.Error;
        return false;
    }
}

/// <summary>RequestConfig RPC response: whether the responder leads, the leader's id (or null) and the peers.</summary>
public readonly record struct RequestConfigResponse(uint RequestId, bool IsLeader, string? LeaderId, IReadOnlyList<PeerInfo>? Peers)
{
    private const string Name = "RequestConfig response";

    public ReadOnlyMemory<byte>[] Encode() => Peers is null
        ? [FrameCodec.EncodeUInt(RequestId), FrameCodec.EncodeBool(IsLeader), JsonValues.EncodeLeaderId(LeaderId)]
        : [FrameCodec.EncodeUInt(RequestId), FrameCodec.EncodeBool(IsLeader), JsonValues.EncodeLeaderId(LeaderId), JsonValues.EncodePeers(Peers)];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestConfigResponse response, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        IReadOnlyList<PeerInfo>? peers = null;
        string? leader = null;
        if (r.FrameCount(3) && r.UInt32(1, out var id) && r.Json(3, out var leaderValue)
            && (JsonValues.TryReadLeaderId(leaderValue, out leader) || r.Fail(3, $"leader id must be a string or null, got {leaderValue}"))
            && (!r.Has(4) || ReadPeers(ref r, out peers)))
        {
            response = new RequestConfigResponse(id, FrameCodec.ReadBool(r[2].Span), leader, peers);
            error = null;
            return true;
        }
        response = default;
        error = r.Error;
        return false;
    }

    private static bool ReadPeers(ref FrameReader r, out IReadOnlyList<PeerInfo>? peers)
    {
        peers = null;
        if (!r.Json(4, out var value))
            return false;
        if (!JsonValues.TryReadPeers(value, out var list, out var problem))
            return r.Fail(4, problem!);
        peers = list;
        return true;
    }
}
