using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Protocol.Messages;

/// <summary>
/// RequestEntries RPC request (PROTO.md): stream log entries after <see cref="PrevIndex"/> (or the snapshot
/// when they are compacted). <see cref="Count"/> null means "up to the last applied entry"; 0 in a follow-up
/// stops the stream. <see cref="SnapshotOffset"/> optionally checks where the next snapshot chunk starts.
/// </summary>
public readonly record struct RequestEntriesRequest(uint RequestId, ulong PrevIndex, ulong? Count = null, ulong? SnapshotOffset = null)
{
    private const string Name = "RequestEntries request";

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret)
    {
        ReadOnlyMemory<byte>[] head = [FrameCodec.EncodeUInt(RequestId), MessageTypes.Frame(MessageTypes.RequestEntries), secret, FrameCodec.EncodeUInt(PrevIndex)];
        if (SnapshotOffset is { } offset)
            return [.. head, FrameCodec.EncodeNUInt(Count), FrameCodec.EncodeUInt(offset)];
        return Count is { } count ? [.. head, FrameCodec.EncodeUInt(count)] : head;
    }

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestEntriesRequest request, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        ulong? count = null;
        if (r.FrameCount(4) && r.UInt32(1, out var id) && r.Type(2, MessageTypes.RequestEntries) && r.UInt(4, out var prev)
            && (!r.Has(5) || r.NUInt(5, out count)) && r.OptionalUInt(6, out var offset))
        {
            request = new RequestEntriesRequest(id, prev, count, offset);
            error = null;
            return true;
        }
        request = default;
        error = r.Error;
        return false;
    }
}

/// <summary>RequestEntries response statuses (PROTO.md).</summary>
public enum RequestEntriesStatus : byte
{
    NotLeader = 0,
    Last = 1,
    More = 2,
    SnapshotChunk = 3,
}

/// <summary>Where a snapshot chunk sits: its byte offset, the snapshot's total size and its term.</summary>
public readonly record struct SnapshotChunkInfo(ulong Offset, ulong TotalSize, ulong Term);

/// <summary>
/// RequestEntries RPC response: entries (status 1 = the last batch, 2 = more follow) up to
/// <see cref="LastIndex"/>, a snapshot chunk (status 3, <see cref="LastIndex"/> is the snapshot's index), or
/// "not the leader" (status 0, with the leader's id when known).
/// </summary>
public readonly record struct RequestEntriesResponse(
    uint RequestId, RequestEntriesStatus Status, string? LeaderId, ulong? LastIndex, IReadOnlyList<LogEntry> Entries,
    SnapshotChunkInfo? Snapshot, ReadOnlyMemory<byte> Chunk)
{
    private const string Name = "RequestEntries response";
    private const int HeaderFrames = 4;

    public static RequestEntriesResponse NotLeader(uint requestId, string? leaderId) =>
        new(requestId, RequestEntriesStatus.NotLeader, leaderId, null, [], null, default);

    /// <summary>A batch of entries ending at <paramref name="lastIndex"/>; <paramref name="leaderId"/> fills the frame PROTO.md says to ignore.</summary>
    public static RequestEntriesResponse Batch(uint requestId, bool last, ulong lastIndex, IReadOnlyList<LogEntry> entries, string? leaderId) =>
        new(requestId, last ? RequestEntriesStatus.Last : RequestEntriesStatus.More, leaderId, lastIndex, entries, null, default);

    public static RequestEntriesResponse SnapshotChunkOf(uint requestId, ulong snapshotIndex, SnapshotChunkInfo info, ReadOnlyMemory<byte> chunk) =>
        new(requestId, RequestEntriesStatus.SnapshotChunk, null, snapshotIndex, [], info, chunk);

    public ReadOnlyMemory<byte>[] Encode()
    {
        ReadOnlyMemory<byte> id = FrameCodec.EncodeUInt(RequestId), status = FrameCodec.EncodeUInt((byte)Status);
        switch (Status)
        {
            case RequestEntriesStatus.NotLeader:
                return [id, status, JsonValues.EncodeLeaderId(LeaderId)];
            case RequestEntriesStatus.SnapshotChunk:
                var info = Snapshot ?? throw new InvalidOperationException("a snapshot chunk response needs its chunk info");
                var position = MessagePackCodec.Encode(MessagePackValue.Array(
                    MessagePackValue.From(info.Offset), MessagePackValue.From(info.TotalSize), MessagePackValue.From(info.Term)));
                return [id, status, position, FrameCodec.EncodeUInt(LastIndex ?? 0), Chunk];
            default:
                var frames = new ReadOnlyMemory<byte>[HeaderFrames + Entries.Count];
                frames[0] = id;
                frames[1] = status;
                frames[2] = JsonValues.EncodeLeaderId(LeaderId);
                frames[3] = FrameCodec.EncodeUInt(LastIndex ?? 0);
                for (var i = 0; i < Entries.Count; i++)
                    frames[HeaderFrames + i] = Entries[i].Raw;
                return frames;
        }
    }

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out RequestEntriesResponse response, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        response = default;
        if (!(r.FrameCount(3) && r.UInt32(1, out var id) && r.UInt(2, out var statusValue)
            && (statusValue <= (ulong)RequestEntriesStatus.SnapshotChunk || r.Fail(2, $"unknown status {statusValue}"))
            && r.Json(3, out var third) && r.OptionalUInt(4, out var lastIndex)))
        {
            error = r.Error;
            return false;
        }
        switch ((RequestEntriesStatus)statusValue)
        {
            case RequestEntriesStatus.NotLeader:
                if (JsonValues.TryReadLeaderId(third, out var leader))
                    response = NotLeader(id, leader);
                else
                    r.Fail(3, $"leader id must be a string or null, got {third}");
                break;
            case RequestEntriesStatus.SnapshotChunk:
                if (!TryReadChunkInfo(third, out var info))
                    r.Fail(3, $"snapshot chunk info must be [offset, size, term], got {third}");
                else if (lastIndex is not { } snapshotIndex)
                    r.Fail(4, "missing the snapshot's log index");
                else if (!r.Has(5))
                    r.Fail(5, "missing the snapshot chunk");
                else
                    response = SnapshotChunkOf(id, snapshotIndex, info, r[5]);
                break;
            case var status:
                // Frame 3 is to be ignored for entries (zmq-raft puts its leader id there).
                if (lastIndex is not { } last)
                    r.Fail(4, "missing the last index");
                else if (r.Entries(5, out var entries))
                    response = Batch(id, status == RequestEntriesStatus.Last, last, entries, JsonValues.TryReadLeaderId(third, out var l) ? l : null);
                break;
        }
        error = r.Error;
        return error is null;
    }

    private static bool TryReadChunkInfo(MessagePackValue value, out SnapshotChunkInfo info)
    {
        info = default;
        if (!value.TryGetArray(out var items) || items.Count < 3
            || !items[0].TryGetUInt64(out var offset) || !items[1].TryGetUInt64(out var size) || !items[2].TryGetUInt64(out var term))
            return false;
        info = new SnapshotChunkInfo(offset, size, term);
        return true;
    }
}
