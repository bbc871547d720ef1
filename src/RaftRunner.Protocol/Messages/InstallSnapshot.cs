using RaftRunner.Protocol.Frames;

namespace RaftRunner.Protocol.Messages;

/// <summary>InstallSnapshot RPC request (PROTO.md): one chunk of the leader's snapshot file at a byte offset.</summary>
public readonly record struct InstallSnapshotRequest(
    uint MessageId, string LeaderId, ulong Term, ulong LastIncludedIndex, ulong LastIncludedTerm, ulong Offset, ulong TotalSize, ReadOnlyMemory<byte> Chunk)
{
    private const string Name = "InstallSnapshot request";

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret) =>
    [
        FrameCodec.EncodeUInt(MessageId), MessageTypes.Frame(MessageTypes.InstallSnapshot), secret,
        FrameCodec.EncodeString(LeaderId), FrameCodec.EncodeUInt(Term), FrameCodec.EncodeUInt(LastIncludedIndex),
        FrameCodec.EncodeUInt(LastIncludedTerm), FrameCodec.EncodeUInt(Offset), FrameCodec.EncodeUInt(TotalSize), Chunk,
    ];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out InstallSnapshotRequest request, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(10) && r.MessageId(1, out var id) && r.Type(2, MessageTypes.InstallSnapshot)
            && r.String(4, out var leader) && r.UInt(5, out var term) && r.UInt(6, out var index) && r.UInt(7, out var indexTerm)
            && r.UInt(8, out var offset) && r.UInt(9, out var size)
            && (offset + (ulong)r[10].Length <= size || r.Fail(10, $"chunk of {r[10].Length} bytes at offset {offset} runs past the snapshot size {size}")))
        {
            request = new InstallSnapshotRequest(id, leader, term, index, indexTerm, offset, size, r[10]);
            error = null;
            return true;
        }
        request = default;
        error = r.Error;
        return false;
    }
}

/// <summary>InstallSnapshot RPC response: the responder's term and, optionally, the offset it wants next.</summary>
public readonly record struct InstallSnapshotResponse(uint MessageId, ulong Term, ulong? NextOffset = null)
{
    private const string Name = "InstallSnapshot response";

    public ReadOnlyMemory<byte>[] Encode() => NextOffset is { } next
        ? [FrameCodec.EncodeUInt(MessageId), FrameCodec.EncodeUInt(Term), FrameCodec.EncodeUInt(next)]
        : [FrameCodec.EncodeUInt(MessageId), FrameCodec.EncodeUInt(Term)];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out InstallSnapshotResponse response, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(2) && r.MessageId(1, out var id) && r.UInt(2, out var term) && r.OptionalUInt(3, out var next))
        {
            response = new InstallSnapshotResponse(id, term, next);
            error = null;
            return true;
        }
        response = default;
        error = r.Error;
        return false;
    }
}
