using RaftRunner.Protocol.Frames;

namespace RaftRunner.Protocol.Messages;

/// <summary>
/// The two "where is your …" requests that zmq-raft's extensions add as one-byte ClientDispatch types:
/// <c>*</c> (RequestBroadcastStateUrl, answered by the BroadcastStateMachine with its PUB url) and <c>W</c>
/// (answered by the web monitor with its http url). Both: request <c>[id, type, secret]</c>, response
/// <c>[id]</c> or <c>[id, url]</c>.
/// </summary>
public readonly record struct UrlRequest(uint RequestId, byte Type)
{
    public static UrlRequest BroadcastStateUrl(uint requestId) => new(requestId, MessageTypes.RequestBroadcastStateUrl);

    public static UrlRequest WebMonitorUrl(uint requestId) => new(requestId, MessageTypes.RequestWebMonitorUrl);

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret) => [FrameCodec.EncodeUInt(RequestId), MessageTypes.Frame(Type), secret];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, byte type, out UrlRequest request, out ProtocolError? error)
    {
        var r = new FrameReader(frames, $"'{(char)type}' url request");
        if (r.FrameCount(3) && r.UInt32(1, out var id) && r.Type(2, type))
        {
            request = new UrlRequest(id, type);
            error = null;
            return true;
        }
        request = default;
        error = r.Error;
        return false;
    }
}

/// <summary>The answer to a <see cref="UrlRequest"/>: the url, or null when the responder has none (e.g. not the leader).</summary>
public readonly record struct UrlResponse(uint RequestId, string? Url)
{
    public ReadOnlyMemory<byte>[] Encode() => Url is null
        ? [FrameCodec.EncodeUInt(RequestId)]
        : [FrameCodec.EncodeUInt(RequestId), FrameCodec.EncodeString(Url)];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out UrlResponse response, out ProtocolError? error)
    {
        var r = new FrameReader(frames, "url response");
        string? url = null;
        if (r.FrameCount(1) && r.UInt32(1, out var id) && (!r.Has(2) || r.String(2, out url!)))
        {
            response = new UrlResponse(id, url);
            error = null;
            return true;
        }
        response = default;
        error = r.Error;
        return false;
    }
}
