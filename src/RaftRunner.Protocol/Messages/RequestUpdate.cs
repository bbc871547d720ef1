using RaftRunner.Protocol.Frames;

namespace RaftRunner.Protocol.Messages;

/// <summary>
/// RequestUpdate RPC request (PROTO.md): append state data to the log. The 12-byte request id is written into
/// the entry, which makes the request idempotent while the id is fresh (request-id-ttl).
/// </summary>
public readonly record struct RequestUpdateRequest(RequestId RequestId, ReadOnlyMemory<byte> Data)
{
    private const string Name = "RequestUpdate request";

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret) =>
        [RequestId.ToArray(), MessageTypes.Frame(MessageTypes.RequestUpdate), secret, Data];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestUpdateRequest request, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(4) && r.RequestId(1, out var id) && r.Type(2, MessageTypes.RequestUpdate))
        {
            request = new RequestUpdateRequest(id, r[4]);
            error = null;
            return true;
        }
        request = default;
        error = r.Error;
        return false;
    }
}

/// <summary>The four answers to a RequestUpdate, told apart by PROTO.md's status and optional third frame.</summary>
public enum RequestUpdateOutcome
{
    /// <summary>Appended but not committed yet; may repeat, and each one resets the client's timeout.</summary>
    Accepted,

    /// <summary>Committed at <see cref="RequestUpdateResponse.Index"/>; final.</summary>
    Committed,

    /// <summary>The responder is not the leader; <see cref="RequestUpdateResponse.LeaderId"/> names it when known.</summary>
    NotLeader,

    /// <summary>The request id is older than request-id-ttl; final.</summary>
    Expired,
}

public readonly record struct RequestUpdateResponse(RequestId RequestId, RequestUpdateOutcome Outcome, ulong Index = 0, string? LeaderId = null)
{
    private const string Name = "RequestUpdate response";

    public static RequestUpdateResponse Accepted(RequestId id) => new(id, RequestUpdateOutcome.Accepted);

    public static RequestUpdateResponse Committed(RequestId id, ulong index) => new(id, RequestUpdateOutcome.Committed, index);

    public static RequestUpdateResponse NotLeader(RequestId id, string? leaderId) => new(id, RequestUpdateOutcome.NotLeader, 0, leaderId);

    public static RequestUpdateResponse Expired(RequestId id) => new(id, RequestUpdateOutcome.Expired);

    public ReadOnlyMemory<byte>[] Encode() => Outcome switch
    {
        RequestUpdateOutcome.Accepted => [RequestId.ToArray(), FrameCodec.EncodeBool(true)],
        RequestUpdateOutcome.Committed => [RequestId.ToArray(), FrameCodec.EncodeBool(true), JsonValues.EncodeIndex(Index)],
        RequestUpdateOutcome.NotLeader => [RequestId.ToArray(), FrameCodec.EncodeBool(false), JsonValues.EncodeLeaderId(LeaderId)],
        RequestUpdateOutcome.Expired => [RequestId.ToArray(), FrameCodec.EncodeBool(false)],
        _ => throw new InvalidOperationException($"unknown outcome {Outcome}"),
    };

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestUpdateResponse response, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        response = default;
        if (!(r.FrameCount(2) && r.RequestId(1, out var id)))
        {
            error = r.Error;
            return false;
        }
        var status = FrameCodec.ReadBool(r[2].Span);
        if (!r.Has(3))
        {
            response = status ? Accepted(id) : Expired(id);
            error = null;
            return true;
        }
        var ok = r.Json(3, out var value);
        if (ok && status)
        {
            ok = value.TryGetUInt64(out var index) || r.Fail(3, $"committed index must be a number, got {value}");
            response = Committed(id, index);
        }
        else if (ok)
        {
            ok = JsonValues.TryReadLeaderId(value, out var leader) || r.Fail(3, $"leader id must be a string or null, got {value}");
            response = NotLeader(id, leader);
        }
        error = r.Error;
        return ok;
    }
}
