using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;

namespace RaftRunner.Raft.Requests;

/// <summary>
/// Serves zmq-raft's RequestEntries RPC as zmq-raft 0.5.0's leader does (server.js:230-549, spec §6.3): entries up
/// to lastApplied in pipelined batches, or the snapshot in pipelined chunks when the client is behind it, each
/// stream paced by the client's acknowledgements and cancelled when idle. Pure: the host passes the log, the
/// leader's state and the clock in, sends the responses returned, and calls <see cref="Tick"/> to sweep idle
/// streams. Not thread-safe; the leader's owner calls it.
/// </summary>
public sealed class EntriesStreamServer
{
    private readonly EntriesStreamOptions _options;
    private readonly Dictionary<EntriesStreamKey, EntriesStream> _streams = [];

    public EntriesStreamServer(EntriesStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Streams awaiting an acknowledgement; what the high watermark counts.</summary>
    public int ActiveStreams => _streams.Count;

    /// <summary>
    /// When <see cref="Tick"/> next sweeps: zmq-raft starts a sweep interval when it opens a stream with none
    /// running, and stops it at a sweep that finds no stream left (server.js:530-549). Null when none runs.
    /// </summary>
    public long? NextSweepAtMs { get; private set; }

    /// <summary>
    /// Handles one RequestEntries request and returns the responses to send, in order (none when zmq-raft sends
    /// none). <paramref name="lastApplied"/> bounds what a new stream serves; <paramref name="leaderId"/> is what a
    /// node that is not the leader answers with (its followLeaderId, null when unknown).
    /// </summary>
    public IReadOnlyList<RequestEntriesResponse> Handle(
        EntriesStreamKey key, RequestEntriesRequest request, IRaftLogReader log, long lastApplied, bool isLeader, string? leaderId, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (key.RequestId != request.RequestId)
            throw new ArgumentException($"the key's request id {key.RequestId} is not the request's {request.RequestId}", nameof(key));
        if (!isLeader)
            return [RequestEntriesResponse.NotLeader(request.RequestId, leaderId)];
        ArgumentOutOfRangeException.ThrowIfNegative(lastApplied);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lastApplied, log.LastIndex);

        var replies = new List<RequestEntriesResponse>();
        if (_streams.TryGetValue(key, out var stream))
        {
            var result = stream.FollowUp(request, log, nowMs, replies);
            if (result != FollowUpResult.Continued)
                _streams.Remove(key);
            if (result != FollowUpResult.Rejected)
                return replies;
        }
        // A stop with no stream to stop, and any new stream beyond the high watermark, go unanswered.
        if (request.Count == 0 || _streams.Count > _options.HighWatermark)
            return replies;

        EntriesStream? opened;
        if (request.PrevIndex < (ulong)log.SnapshotIndex)
        {
            opened = SnapshotChunkStream.Open(request.RequestId, request.SnapshotOffset, log, _options, nowMs, replies);
        }
        else
        {
            // Entries are served up to lastApplied, not commitIndex; count only narrows that (server.js:276-278).
            var applied = (ulong)lastApplied;
            var last = request.Count is { } count && count <= applied && request.PrevIndex <= applied - count
                ? request.PrevIndex + count
                : applied;
            if (request.PrevIndex >= last)
            {
                // Nothing to send: LAST with lastIndex = lastApplied, even when that is below prevIndex (spec Q16).
                replies.Add(RequestEntriesResponse.Batch(request.RequestId, last: true, last, [], leaderId: null));
                return replies;
            }
            opened = LogEntriesStream.Open(request.RequestId, (long)request.PrevIndex, (long)last, log, _options, nowMs, replies);
        }
        if (opened is null)
            return replies;
        NextSweepAtMs ??= nowMs + _options.SweepIntervalMs;
        if (!opened.Done)
            _streams.Add(key, opened);
        return replies;
    }

    /// <summary>
    /// Runs the sweep when it is due (<see cref="NextSweepAtMs"/>): cancels, without a reply, every stream
    /// whose expiry is before <paramref name="nowMs"/>. Call it on every timer tick.
    /// </summary>
    public void Tick(long nowMs)
    {
        if (NextSweepAtMs is not { } due || nowMs < due)
            return;
        foreach (var (key, stream) in _streams) // Dictionary allows Remove while enumerating
        {
            if (nowMs > stream.ExpiresAtMs)
                _streams.Remove(key);
        }
        if (_streams.Count == 0)
        {
            NextSweepAtMs = null;
            return;
        }
        // Node re-arms an interval from when its callback ran, so a late tick delays the next sweep too.
        NextSweepAtMs = nowMs + _options.SweepIntervalMs;
    }

    /// <summary>The node left the leader state: every stream is cancelled without a reply (raft.js:546-550).</summary>
    public void CancelAll() => _streams.Clear();
}
