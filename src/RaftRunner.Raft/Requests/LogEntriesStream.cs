using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;

namespace RaftRunner.Raft.Requests;

/// <summary>
/// Streams the entries after a client's prevIndex up to a lastIndex fixed when the stream opens (server.js:266-411).
/// zmq-raft reads the log asynchronously and pauses the read stream; here the next batch is cut from the log when
/// it may be sent, which gives the same responses and holds no batch that is not yet sent.
/// </summary>
internal sealed class LogEntriesStream : EntriesStream
{
    private readonly uint _requestId;
    private readonly long _lastIndex;
    private readonly EntriesStreamOptions _options;
    private readonly FileLogBatchCutter _cutter;
    private readonly Queue<long> _unacknowledged = new(); // last index of each batch sent, oldest first

    private LogEntriesStream(uint requestId, long prevIndex, long lastIndex, EntriesStreamOptions options, long nowMs)
        : base(nowMs + options.TtlMs)
    {
        _requestId = requestId;
        _lastIndex = lastIndex;
        _options = options;
        _cutter = new FileLogBatchCutter(prevIndex + 1, lastIndex, options.IndexFileCapacity);
    }

    /// <summary>Opens the stream of prevIndex + 1..lastIndex (not empty) and sends its first batches.</summary>
    public static LogEntriesStream Open(
        uint requestId, long prevIndex, long lastIndex, IRaftLogReader log, EntriesStreamOptions options, long nowMs, List<RequestEntriesResponse> replies)
    {
        var stream = new LogEntriesStream(requestId, prevIndex, lastIndex, options, nowMs);
        stream.Pump(log, replies);
        return stream;
    }

    public override FollowUpResult FollowUp(RequestEntriesRequest request, IRaftLogReader log, long nowMs, List<RequestEntriesResponse> replies)
    {
        if (request.Count == 0)
            return FollowUpResult.Ended;
        // An acknowledgement names the end of the oldest unacknowledged batch; anything else means a lost
        // response or a confused client, and the request starts over (server.js:343-357).
        if (!_unacknowledged.TryDequeue(out var acknowledged) || request.PrevIndex != (ulong)acknowledged)
            return FollowUpResult.Rejected;
        // zmq-raft keeps reading the files a compaction has dropped; we cannot, so the client starts over from
        // what it has (from the new snapshot when it is behind it).
        if (!_cutter.CanContinue(log))
            return FollowUpResult.Rejected;
        Pump(log, replies);
        ExpiresAtMs = nowMs + _options.TtlMs;
        return Done ? FollowUpResult.Ended : FollowUpResult.Continued;
    }

    private void Pump(IRaftLogReader log, List<RequestEntriesResponse> replies)
    {
        while (_unacknowledged.Count < _options.Pipelines && !_cutter.Finished)
        {
            var batch = _cutter.Next(log);
            var last = _cutter.NextIndex - 1;
            replies.Add(RequestEntriesResponse.Batch(_requestId, last == _lastIndex, (ulong)last, batch, leaderId: null));
            _unacknowledged.Enqueue(last);
            // One big entry is not pipelined: the next batch waits for its acknowledgement (server.js:318-321).
            if (batch.Count == 1 && batch[0].Size > _options.EntrySizeLimitPipeline)
                break;
        }
        Done = _cutter.Finished && _unacknowledged.Count <= 1;
    }
}
