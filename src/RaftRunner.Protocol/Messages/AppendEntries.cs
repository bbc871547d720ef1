using RaftRunner.Protocol.Frames;

namespace RaftRunner.Protocol.Messages;

/// <summary>
/// AppendEntries RPC request (PROTO.md): log entries (possibly none: a heartbeat) following PrevLogIndex,
/// and the leader's commit index. Decoding wraps the entry frames without copying them.
/// </summary>
public readonly record struct AppendEntriesRequest(
    uint MessageId, string LeaderId, ulong Term, ulong PrevLogIndex, ulong PrevLogTerm, ulong CommitIndex, IReadOnlyList<LogEntry> Entries)
{
    private const string Name = "AppendEntries request";
    private const int HeaderFrames = 8;

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret)
    {
        var frames = new ReadOnlyMemory<byte>[HeaderFrames + Entries.Count];
        frames[0] = FrameCodec.EncodeUInt(MessageId);
        frames[1] = MessageTypes.Frame(MessageTypes.AppendEntries);
        frames[2] = secret;
        frames[3] = FrameCodec.EncodeString(LeaderId);
        frames[4] = FrameCodec.EncodeUInt(Term);
        frames[5] = FrameCodec.EncodeUInt(PrevLogIndex);
        frames[6] = FrameCodec.EncodeUInt(PrevLogTerm);
        frames[7] = FrameCodec.EncodeUInt(CommitIndex);
        for (var i = 0; i < Entries.Count; i++)
            frames[HeaderFrames + i] = Entries[i].Raw;
        return frames;
    }

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out AppendEntriesRequest request, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(HeaderFrames) && r.MessageId(1, out var id) && r.Type(2, MessageTypes.AppendEntries)
            && r.String(4, out var leader) && r.UInt(5, out var term) && r.UInt(6, out var prevIndex) && r.UInt(7, out var prevTerm)
            && r.UInt(8, out var commit) && r.Entries(HeaderFrames + 1, out var entries))
        {
            request = new AppendEntriesRequest(id, leader, term, prevIndex, prevTerm, commit, entries);
            error = null;
            return true;
        }
        request = default;
        error = r.Error;
        return false;
    }
}

/// <summary>
/// AppendEntries RPC response. On failure a follower whose log is too short adds the index the leader
/// should continue from. Frame order follows zmq-raft's code (raft_router.js sends
/// <c>[term, success, conflictTermIndex, conflictTerm]</c>), which PROTO.md's table lists the other way round.
/// </summary>
public readonly record struct AppendEntriesResponse(uint MessageId, ulong Term, bool Success, ulong? ConflictIndex = null, ulong? ConflictTerm = null)
{
    private const string Name = "AppendEntries response";

    public ReadOnlyMemory<byte>[] Encode()
    {
        if (ConflictIndex is null && ConflictTerm is not null)
            throw new InvalidOperationException("a conflict term needs a conflict index before it");
        var count = 3 + (ConflictIndex is null ? 0 : 1) + (ConflictTerm is null ? 0 : 1);
        var frames = new ReadOnlyMemory<byte>[count];
        frames[0] = FrameCodec.EncodeUInt(MessageId);
        frames[1] = FrameCodec.EncodeUInt(Term);
        frames[2] = FrameCodec.EncodeBool(Success);
        if (ConflictIndex is { } index)
            frames[3] = FrameCodec.EncodeUInt(index);
        if (ConflictTerm is { } conflictTerm)
            frames[4] = FrameCodec.EncodeUInt(conflictTerm);
        return frames;
    }

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out AppendEntriesResponse response, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(3) && r.MessageId(1, out var id) && r.UInt(2, out var term)
            && r.OptionalUInt(4, out var conflictIndex) && r.OptionalUInt(5, out var conflictTerm))
        {
            response = new AppendEntriesResponse(id, term, FrameCodec.ReadBool(r[3].Span), conflictIndex, conflictTerm);
            error = null;
            return true;
        }
        response = default;
        error = r.Error;
        return false;
    }
}
