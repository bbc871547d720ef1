using RaftRunner.Protocol.Frames;

namespace RaftRunner.Protocol.Messages;

/// <summary>RequestLogInfo RPC request (PROTO.md): the responder's own log state. Any peer answers.</summary>
public readonly record struct RequestLogInfoRequest(uint RequestId)
{
    private const string Name = "RequestLogInfo request";

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret) =>
        [FrameCodec.EncodeUInt(RequestId), MessageTypes.Frame(MessageTypes.RequestLogInfo), secret];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestLogInfoRequest request, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(3) && r.UInt32(1, out var id) && r.Type(2, MessageTypes.RequestLogInfo))
        {
            request = new RequestLogInfoRequest(id);
            error = null;
            return true;
        }
        request = default;
        error = r.Error;
        return false;
    }
}

/// <summary>RequestLogInfo RPC response: leadership, term, and the log's first/applied/commit/last/prune indexes and snapshot size.</summary>
public readonly record struct RequestLogInfoResponse(
    uint RequestId, bool IsLeader, string? LeaderId, ulong CurrentTerm, ulong FirstIndex, ulong LastApplied,
    ulong CommitIndex, ulong LastIndex, ulong SnapshotSize, ulong PruneIndex)
{
    private const string Name = "RequestLogInfo response";

    public ReadOnlyMemory<byte>[] Encode() =>
    [
        FrameCodec.EncodeUInt(RequestId), FrameCodec.EncodeBool(IsLeader), JsonValues.EncodeLeaderId(LeaderId),
        FrameCodec.EncodeUInt(CurrentTerm), FrameCodec.EncodeUInt(FirstIndex), FrameCodec.EncodeUInt(LastApplied),
        FrameCodec.EncodeUInt(CommitIndex), FrameCodec.EncodeUInt(LastIndex), FrameCodec.EncodeUInt(SnapshotSize), FrameCodec.EncodeUInt(PruneIndex),
    ];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestLogInfoResponse response, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        string? leader = null;
        if (r.FrameCount(10) && r.UInt32(1, out var id) && r.Json(3, out var leaderValue)
            && (JsonValues.TryReadLeaderId(leaderValue, out leader) || r.Fail(3, $"leader id must be a string or null, got {leaderValue}"))
            && r.UInt(4, out var term) && r.UInt(5, out var first) && r.UInt(6, out var applied) && r.UInt(7, out var commit)
            && r.UInt(8, out var last) && r.UInt(9, out var snapshotSize) && r.UInt(10, out var prune))
        {
            response = new RequestLogInfoResponse(id, FrameCodec.ReadBool(r[2].Span), leader, term, first, applied, commit, last, snapshotSize, prune);
            error = null;
            return true;
        }
        response = default;
        error = r.Error;
        return false;
    }
}
