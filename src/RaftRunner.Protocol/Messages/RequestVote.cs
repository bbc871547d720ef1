using RaftRunner.Protocol.Frames;

namespace RaftRunner.Protocol.Messages;

/// <summary>RequestVote RPC request (PROTO.md): a candidate asks a peer for its vote.</summary>
public readonly record struct RequestVoteRequest(uint MessageId, string CandidateId, ulong Term, ulong LastLogIndex, ulong LastLogTerm)
{
    private const string Name = "RequestVote request";

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret) =>
    [
        FrameCodec.EncodeUInt(MessageId), MessageTypes.Frame(MessageTypes.RequestVote), secret,
        FrameCodec.EncodeString(CandidateId), FrameCodec.EncodeUInt(Term), FrameCodec.EncodeUInt(LastLogIndex), FrameCodec.EncodeUInt(LastLogTerm),
    ];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestVoteRequest request, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(7) && r.MessageId(1, out var id) && r.Type(2, MessageTypes.RequestVote)
            && r.String(4, out var candidate) && r.UInt(5, out var term) && r.UInt(6, out var lastIndex) && r.UInt(7, out var lastTerm))
        {
            request = new RequestVoteRequest(id, candidate, term, lastIndex, lastTerm);
            error = null;
            return true;
        }
        request = default;
        error = r.Error;
        return false;
    }
}

/// <summary>RequestVote RPC response: the responder's term and whether it granted its vote.</summary>
public readonly record struct RequestVoteResponse(uint MessageId, ulong Term, bool VoteGranted)
{
    private const string Name = "RequestVote response";

    public ReadOnlyMemory<byte>[] Encode() => [FrameCodec.EncodeUInt(MessageId), FrameCodec.EncodeUInt(Term), FrameCodec.EncodeBool(VoteGranted)];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestVoteResponse response, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(3) && r.MessageId(1, out var id) && r.UInt(2, out var term))
        {
            response = new RequestVoteResponse(id, term, FrameCodec.ReadBool(r[3].Span));
            error = null;
            return true;
        }
        response = default;
        error = r.Error;
        return false;
    }
}
