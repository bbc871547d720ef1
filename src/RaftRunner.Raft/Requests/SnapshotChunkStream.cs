using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;

namespace RaftRunner.Raft.Requests;

/// <summary>
/// Streams the snapshot to a client that is behind it, in the 64 KiB chunks of the file read stream zmq-raft
/// uses (<c>snapshot.createDataReadStream</c>, Node's default highWaterMark), from the requested byte offset
/// (server.js:414-528). After the last chunk the client asks again with prevIndex = the snapshot's index.
/// </summary>
internal sealed class SnapshotChunkStream : EntriesStream
{
    private const int ChunkBytes = 64 * 1024;

    private readonly uint _requestId;
    private readonly long _index;
    private readonly ulong _term;
    private readonly long _size;
    private readonly EntriesStreamOptions _options;
    private readonly Queue<int> _unacknowledged = new(); // length of each chunk sent, oldest first
    private long _nextOffset;
    private long _acknowledgedOffset;

    private SnapshotChunkStream(uint requestId, IRaftLogReader log, long offset, EntriesStreamOptions options, long nowMs)
        : base(nowMs + options.TtlMs)
    {
        _requestId = requestId;
        _index = log.SnapshotIndex;
        _term = log.SnapshotTerm;
        _size = log.SnapshotSize;
        _options = options;
        _nextOffset = _acknowledgedOffset = offset;
    }

    /// <summary>
    /// Opens a stream from <paramref name="offset"/> (0 when null) and sends its first chunks. An offset past the
    /// end gets one empty chunk at offset = size and no stream (null); an offset at the end opens a stream that
    /// is done at once, so nothing is sent (server.js:419-421, 456-462).
    /// </summary>
    public static SnapshotChunkStream? Open(
        uint requestId, ulong? offset, IRaftLogReader log, EntriesStreamOptions options, long nowMs, List<RequestEntriesResponse> replies)
    {
        var size = log.SnapshotSize;
        if (offset > (ulong)size)
        {
            var info = new SnapshotChunkInfo((ulong)size, (ulong)size, log.SnapshotTerm);
            replies.Add(RequestEntriesResponse.SnapshotChunkOf(requestId, (ulong)log.SnapshotIndex, info, ReadOnlyMemory<byte>.Empty));
            return null;
        }
        var stream = new SnapshotChunkStream(requestId, log, (long)(offset ?? 0), options, nowMs);
        stream.Pump(log, replies);
        return stream;
    }

    public override FollowUpResult FollowUp(RequestEntriesRequest request, IRaftLogReader log, long nowMs, List<RequestEntriesResponse> replies)
    {
        if (request.Count == 0)
            return FollowUpResult.Ended;
        // A chunk is acknowledged while the client is still behind the snapshot, and, when it says where the next
        // chunk starts, at the end of the oldest unacknowledged chunk (server.js:479-496).
        if (!_unacknowledged.TryDequeue(out var length) || request.PrevIndex >= (ulong)_index)
            return FollowUpResult.Rejected;
        _acknowledgedOffset += length;
        if (request.SnapshotOffset is { } offset && offset != (ulong)_acknowledgedOffset)
            return FollowUpResult.Rejected;
        // zmq-raft holds a shared lock, so a compaction waits and the old snapshot stays readable. We cannot read
        // a replaced snapshot: the request starts over against the new one.
        if (_nextOffset < _size && !IsStillTheSnapshotOf(log))
            return FollowUpResult.Rejected;
        Pump(log, replies);
        ExpiresAtMs = nowMs + _options.TtlMs;
        return Done ? FollowUpResult.Ended : FollowUpResult.Continued;
    }

    private bool IsStillTheSnapshotOf(IRaftLogReader log) =>
        log.SnapshotIndex == _index && log.SnapshotTerm == _term && log.SnapshotSize == _size;

    private void Pump(IRaftLogReader log, List<RequestEntriesResponse> replies)
    {
        while (_unacknowledged.Count < _options.SnapshotPipelines && _nextOffset < _size)
        {
            var chunk = log.ReadSnapshot(_nextOffset, (int)Math.Min(ChunkBytes, _size - _nextOffset));
            if (chunk.IsEmpty)
                throw new InvalidOperationException($"the snapshot at {_index} ended at byte {_nextOffset} of {_size}");
            var info = new SnapshotChunkInfo((ulong)_nextOffset, (ulong)_size, _term);
            replies.Add(RequestEntriesResponse.SnapshotChunkOf(_requestId, (ulong)_index, info, chunk));
            _nextOffset += chunk.Length;
            _unacknowledged.Enqueue(chunk.Length);
        }
        Done = _nextOffset == _size && _unacknowledged.Count <= 1;
    }
}
