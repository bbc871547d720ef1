using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Requests;

namespace RaftRunner.Raft.Tests.Requests;

/// <summary>
/// RequestEntries on the leader (docs/zmq-raft-core-behaviour.md §6.3, Q16, Q17, scenario 15). The expected
/// responses were checked against zmq-raft 0.5.0's requestEntriesHandler driven over a real FileLog.
/// </summary>
public sealed class EntriesStreamServerTests
{
    private const ulong Term = 3;
    private static readonly EntriesStreamKey Key = EntriesStreamKey.Of("client"u8, 7);

    private readonly InMemoryRaftLog _log = new();
    private EntriesStreamServer _server = new(new EntriesStreamOptions());

    /// <summary>Appends entries with these data sizes (each entry is 20 bytes more); the data says its index.</summary>
    private void Append(params int[] dataSizes)
    {
        var first = _log.LastIndex + 1;
        _log.Write(_log.LastIndex, dataSizes.Select((size, i) => Entry(first + i, size)).ToList());
    }

    private void AppendMany(int count, int dataSize) => Append(Enumerable.Repeat(dataSize, count).ToArray());

    private static LogEntry Entry(long index, int dataSize)
    {
        var data = new byte[dataSize];
        new Random((int)index).NextBytes(data);
        return LogEntry.Create(RequestId.Zero, LogEntryType.State, Term, data);
    }

    /// <summary>One batch per index file: every batch is exactly one entry, which makes pipelining easy to follow.</summary>
    private void OneEntryPerBatch() => _server = new EntriesStreamServer(new EntriesStreamOptions { IndexFileCapacity = 1 });

    private IReadOnlyList<RequestEntriesResponse> Send(
        ulong prevIndex, ulong? count = null, ulong? snapshotOffset = null, long? lastApplied = null, long nowMs = 0, EntriesStreamKey? key = null)
    {
        var k = key ?? Key;
        return _server.Handle(k, new RequestEntriesRequest(k.RequestId, prevIndex, count, snapshotOffset), _log, lastApplied ?? _log.LastIndex, isLeader: true, leaderId: null, nowMs);
    }

    /// <summary>A batch as (status, lastIndex, entry count); a chunk as (3, offset, length).</summary>
    private static (RequestEntriesStatus, ulong?, int)[] Shape(IEnumerable<RequestEntriesResponse> responses) =>
        responses.Select(r => r.Status == RequestEntriesStatus.SnapshotChunk
            ? (r.Status, r.Snapshot!.Value.Offset, r.Chunk.Length)
            : (r.Status, r.LastIndex, r.Entries.Count)).ToArray();

    private static (RequestEntriesStatus, ulong?, int) More(ulong lastIndex, int count) => (RequestEntriesStatus.More, lastIndex, count);

    private static (RequestEntriesStatus, ulong?, int) Last(ulong lastIndex, int count) => (RequestEntriesStatus.Last, lastIndex, count);

    private static (RequestEntriesStatus, ulong?, int) Chunk(ulong offset, int length) => (RequestEntriesStatus.SnapshotChunk, offset, length);

    [Fact]
    public void EntriesAreServedOnlyUpToLastApplied()
    {
        AppendMany(12, 10); // commitIndex may be 12; only 10 are applied (scenario 15)
        var responses = Send(8, lastApplied: 10);
        Assert.Equal([Last(10, 2)], Shape(responses));
        Assert.Equal(_log.Entries(9, 10).Select(e => e.Raw.ToArray()), responses[0].Entries.Select(e => e.Raw.ToArray()));
        Assert.Null(responses[0].LeaderId); // the ignored frame is null on a leader
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void CountNarrowsTheRangeButNeverPastLastApplied()
    {
        AppendMany(12, 10);
        Assert.Equal([Last(5, 3)], Shape(Send(2, count: 3, lastApplied: 10)));
        Assert.Equal([Last(10, 2)], Shape(Send(8, count: 50, lastApplied: 10)));
        Assert.Equal([Last(10, 2)], Shape(Send(8, count: ulong.MaxValue, lastApplied: 10)));
    }

    [Fact]
    public void PrevIndexBeyondLastAppliedAnswersLastWithLastApplied()
    {
        AppendMany(12, 10);
        var responses = Send(15, lastApplied: 10);
        Assert.Equal([Last(10, 0)], Shape(responses)); // lastIndex below the client's prevIndex (Q16)
        Assert.Equal(0, _server.ActiveStreams);
        Assert.Equal([Last(10, 0)], Shape(Send(10, lastApplied: 10)));
        Assert.Null(_server.NextSweepAtMs); // no stream was opened
    }

    [Fact]
    public void AtMostFivePipelinedBatchesAreUnacknowledged()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Assert.Equal([More(1, 1), More(2, 1), More(3, 1), More(4, 1), More(5, 1)], Shape(Send(0)));
        // Each acknowledgement of the oldest batch lets exactly one more go.
        Assert.Equal([More(6, 1)], Shape(Send(1)));
        Assert.Equal([More(7, 1)], Shape(Send(2)));
        Assert.Equal(1, _server.ActiveStreams);
    }

    [Fact]
    public void TheStreamEndsOnceTheLastBatchIsTheOnlyOneUnacknowledged()
    {
        OneEntryPerBatch();
        AppendMany(7, 10);
        Assert.Equal([More(1, 1), More(2, 1), More(3, 1), More(4, 1), More(5, 1)], Shape(Send(0)));
        Assert.Equal([More(6, 1)], Shape(Send(1)));
        Assert.Equal([Last(7, 1)], Shape(Send(2)));
        Assert.Empty(Send(3));
        Assert.Empty(Send(4));
        Assert.Empty(Send(5));
        Assert.Equal(1, _server.ActiveStreams);
        Assert.Empty(Send(6)); // batch 7, the last, needs no acknowledgement
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void OutOfOrderAckRestartsTheStream()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0);
        // Batch 1 is the oldest unacknowledged; an ack for 3 means responses were lost: start over after 3.
        Assert.Equal([More(4, 1), More(5, 1), More(6, 1), More(7, 1), More(8, 1)], Shape(Send(3)));
        Assert.Equal(1, _server.ActiveStreams);
        Assert.Equal([More(9, 1)], Shape(Send(4)));
    }

    [Fact]
    public void RepeatingTheFirstRequestRestartsTheStream()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0);
        Assert.Equal([More(1, 1), More(2, 1), More(3, 1), More(4, 1), More(5, 1)], Shape(Send(0)));
    }

    [Fact]
    public void CountZeroCancels()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0);
        Assert.Empty(Send(1, count: 0));
        Assert.Equal(0, _server.ActiveStreams);
        // Without a stream, a count of 0 is ignored; another request opens a new stream.
        Assert.Empty(Send(1, count: 0));
        Assert.Equal([More(2, 1), More(3, 1), More(4, 1), More(5, 1), More(6, 1)], Shape(Send(1)));
    }

    [Fact]
    public void OneBigEntryWaitsForItsAcknowledgementBeforeTheNextBatch()
    {
        Append(70_000, 10, 10);
        Assert.Equal([More(1, 1)], Shape(Send(0)));
        Assert.Equal([Last(3, 2)], Shape(Send(1)));
    }

    [Fact]
    public void BatchesAreCutWhereZmqRaftsFileLogCutsThem()
    {
        // Recorded from zmq-raft 0.5.0 (FileLog with indexFileCapacity 16, lastApplied 40, client acking in order).
        // 1-10 end at the first 64 KiB read; 11 (100 KiB) fills a batch alone and waits for its ack; 14-15 end
        // the first index file (1-15); 16-28 fill the second file's first read; 29-31 end that file.
        _server = new EntriesStreamServer(new EntriesStreamOptions { IndexFileCapacity = 16 });
        Append([.. Enumerable.Repeat(1000, 10), 100_000, 30_000, 30_000, 30_000, .. Enumerable.Repeat(5000, 26)]);
        Assert.Equal([More(10, 10), More(11, 1)], Shape(Send(0)));
        Assert.Equal([More(13, 2), More(15, 2), More(28, 13), More(31, 3)], Shape(Send(10)));
        Assert.Equal([Last(40, 9)], Shape(Send(11)));
        Assert.Empty(Send(13));
        Assert.Empty(Send(15));
        Assert.Empty(Send(28));
        Assert.Equal(1, _server.ActiveStreams);
        Assert.Empty(Send(31));
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void SmallEntriesAreBatchedByTheEntriesEachReadCompletes()
    {
        AppendMany(300, 1004); // 1024-byte entries: 64 per 64 KiB read
        Assert.Equal([More(64, 64), More(128, 64), More(192, 64), More(256, 64), Last(300, 44)], Shape(Send(0)));
    }

    [Fact]
    public void IdleStreamIsCancelledAfterTtlBySweep()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0, nowMs: 0);
        Assert.Equal(2000, _server.NextSweepAtMs);
        _server.Tick(1999);
        _server.Tick(2000);
        _server.Tick(4000);
        Assert.Equal(1, _server.ActiveStreams);
        _server.Tick(5999); // expired at 5000, but the sweep is not due before 6000
        Assert.Equal(1, _server.ActiveStreams);
        Assert.Equal(6000, _server.NextSweepAtMs);
        _server.Tick(6000);
        Assert.Equal(0, _server.ActiveStreams);
        Assert.Null(_server.NextSweepAtMs); // the interval stops once no stream is left
        Assert.Equal([More(2, 1), More(3, 1), More(4, 1), More(5, 1), More(6, 1)], Shape(Send(1, nowMs: 6001)));
        Assert.Equal(8001, _server.NextSweepAtMs);
    }

    [Fact]
    public void AValidAckRefreshesTheTtl()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0, nowMs: 0);
        _server.Tick(2000);
        _server.Tick(4000);
        Send(1, nowMs: 4500); // expires at 9500 instead of 5000
        _server.Tick(6000);
        _server.Tick(8000);
        Assert.Equal(1, _server.ActiveStreams);
        _server.Tick(10_000);
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void ALateTickSweepsOnceAndDelaysTheNextSweep()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0, nowMs: 0);
        _server.Tick(4500);
        Assert.Equal(1, _server.ActiveStreams);
        Assert.Equal(6500, _server.NextSweepAtMs);
    }

    [Fact]
    public void HighWatermarkDropsNewStreams()
    {
        _server = new EntriesStreamServer(new EntriesStreamOptions { IndexFileCapacity = 1, HighWatermark = 2 });
        AppendMany(20, 10);
        for (uint id = 1; id <= 3; id++)
            Assert.Equal(5, Send(0, key: EntriesStreamKey.Of("a"u8, id)).Count); // 3 open: the check is "more than 2" (Q17)
        Assert.Empty(Send(0, key: EntriesStreamKey.Of("a"u8, 4)));
        Assert.Empty(Send(20, key: EntriesStreamKey.Of("a"u8, 5))); // even "nothing to send" goes unanswered
        Assert.Equal([More(6, 1)], Shape(Send(1, key: EntriesStreamKey.Of("a"u8, 1)))); // open streams go on
        Assert.Equal(3, _server.ActiveStreams);
    }

    [Fact]
    public void StreamsAreKeyedByConnectionAndRequestId()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0, key: EntriesStreamKey.Of("a"u8, 1));
        Assert.Equal(5, Send(3, key: EntriesStreamKey.Of("b"u8, 1)).Count);
        Assert.Equal(2, _server.ActiveStreams);
        Assert.Equal([More(6, 1)], Shape(Send(1, key: EntriesStreamKey.Of("a"u8, 1))));
    }

    [Fact]
    public void NotLeaderAnswersWithLeaderId()
    {
        AppendMany(5, 10);
        var request = new RequestEntriesRequest(7, 0);
        var answer = _server.Handle(Key, request, _log, 5, isLeader: false, leaderId: "n2", nowMs: 0);
        Assert.Equal([RequestEntriesResponse.NotLeader(7, "n2")], answer);
        Assert.Equal([RequestEntriesResponse.NotLeader(7, null)], _server.Handle(Key, request, _log, 5, isLeader: false, leaderId: null, nowMs: 0));
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void LeavingLeaderCancelsStreamsWithoutReply()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0);
        _server.CancelAll();
        Assert.Equal(0, _server.ActiveStreams);
        // Leader again: the client's ack finds no stream and opens a new one.
        Assert.Equal([More(2, 1), More(3, 1), More(4, 1), More(5, 1), More(6, 1)], Shape(Send(1)));
    }

    [Fact]
    public void SnapshotIsStreamedWhenPrevIndexIsBeforeTheLog()
    {
        AppendMany(40, 10);
        var data = new byte[150_000];
        new Random(1).NextBytes(data);
        _log.InstallSnapshot(30, Term, data);
        var first = Send(3);
        Assert.Equal([Chunk(0, 65536), Chunk(65536, 65536)], Shape(first)); // two chunks ahead of the acks
        Assert.All(first, r => Assert.Equal((30ul, 150_000ul, Term), (r.LastIndex!.Value, r.Snapshot!.Value.TotalSize, r.Snapshot.Value.Term)));
        Assert.Equal(data[..65536], first[0].Chunk.ToArray());
        Assert.Equal([Chunk(131072, 150_000 - 131072)], Shape(Send(3, snapshotOffset: 65536)));
        Assert.Empty(Send(3, snapshotOffset: 131072)); // the last chunk needs no acknowledgement
        Assert.Equal(0, _server.ActiveStreams);
        // Having the snapshot, the client asks for what follows it.
        Assert.Equal([Last(40, 10)], Shape(Send(30)));
    }

    [Fact]
    public void SnapshotAckWithoutOffsetIsAcceptedWhileBehindTheSnapshot()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[300_000]);
        Send(3);
        Assert.Equal([Chunk(131072, 65536)], Shape(Send(3)));
        Assert.Equal([Chunk(196608, 65536)], Shape(Send(29)));
    }

    [Fact]
    public void SnapshotStreamStartsAtTheRequestedOffset()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[150_000]);
        Assert.Equal([Chunk(100, 65536), Chunk(65636, 65536)], Shape(Send(3, snapshotOffset: 100)));
    }

    [Fact]
    public void SnapshotAckOutOfOrderRestartsFromTheAckedOffset()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[300_000]);
        Send(3);
        Assert.Equal([Chunk(1000, 65536), Chunk(66536, 65536)], Shape(Send(3, snapshotOffset: 1000)));
        Assert.Equal(1, _server.ActiveStreams);
    }

    [Fact]
    public void SnapshotAckAtTheSnapshotIndexIsANewRequest()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[300_000]);
        Send(3);
        Assert.Equal([Last(40, 10)], Shape(Send(30)));
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void SnapshotOffsetBeyondSizeGetsOneEmptyChunk()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[100]);
        var responses = Send(3, snapshotOffset: 101);
        Assert.Equal([Chunk(100, 0)], Shape(responses));
        Assert.Equal(new SnapshotChunkInfo(100, 100, Term), responses[0].Snapshot);
        Assert.Equal(30ul, responses[0].LastIndex);
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void SnapshotOffsetAtSizeGetsNoReply()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[100]);
        Assert.Empty(Send(3, snapshotOffset: 100));
        Assert.Equal(0, _server.ActiveStreams);
        Assert.Equal(2000, _server.NextSweepAtMs); // zmq-raft did open (and at once close) a stream
        _log.InstallSnapshot(35, Term, ReadOnlyMemory<byte>.Empty);
        Assert.Empty(Send(3)); // so does an empty snapshot
    }

    [Fact]
    public void ReplacedSnapshotRestartsTheStreamAgainstTheNewOne()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[300_000]);
        Send(3);
        _log.InstallSnapshot(35, Term, new byte[200_000]); // a compaction while the client downloads
        var responses = Send(3, snapshotOffset: 65536);
        Assert.Equal([Chunk(65536, 65536), Chunk(131072, 65536)], Shape(responses));
        Assert.All(responses, r => Assert.Equal(35ul, r.LastIndex));
    }

    [Fact]
    public void CompactedEntriesRestartTheStreamFromTheSnapshot()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0);
        _log.InstallSnapshot(12, Term, new byte[10]); // entries 6..12, not yet read, are gone
        Assert.Equal([Chunk(0, 10)], Shape(Send(1)));
    }

    [Fact]
    public void CompactionOfEntriesAlreadyReadDoesNotDisturbTheStream()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0);
        _log.InstallSnapshot(4, Term, new byte[10]);
        Assert.Equal([More(6, 1)], Shape(Send(1)));
    }

    [Fact]
    public void AFullClientLoopReassemblesExactlyTheLog()
    {
        var random = new Random(42);
        Append(Enumerable.Range(0, 400).Select(_ => random.Next(10) == 0 ? random.Next(60_000, 200_000) : random.Next(0, 3000)).ToArray());
        var snapshot = new byte[333_333];
        random.NextBytes(snapshot);
        _log.InstallSnapshot(30, Term, snapshot);
        const long lastApplied = 390;

        // The client as zmq-raft's pclient.js: ack every MORE batch and every chunk, with the same request id.
        using var gotSnapshot = new MemoryStream();
        var gotEntries = new List<LogEntry>();
        ulong prev = 0;
        var inFlight = new Queue<RequestEntriesResponse>(Send(prev, lastApplied: lastApplied));
        var done = false;
        while (inFlight.TryDequeue(out var r))
        {
            Assert.False(done);
            Assert.True(inFlight.Count < (r.Status == RequestEntriesStatus.SnapshotChunk ? 2 : 5)); // the pipeline limit
            IReadOnlyList<RequestEntriesResponse> next;
            if (r.Status == RequestEntriesStatus.SnapshotChunk)
            {
                var info = r.Snapshot!.Value;
                Assert.Equal((ulong)gotSnapshot.Length, info.Offset);
                gotSnapshot.Write(r.Chunk.Span);
                var end = info.Offset + (ulong)r.Chunk.Length;
                if (end == info.TotalSize)
                {
                    prev = r.LastIndex!.Value;
                    next = Send(prev, lastApplied: lastApplied);
                }
                else
                {
                    next = Send(prev, snapshotOffset: end, lastApplied: lastApplied);
                }
            }
            else
            {
                Assert.Equal(prev, r.LastIndex - (ulong)r.Entries.Count); // contiguous (pclient.js:504-506)
                gotEntries.AddRange(r.Entries);
                prev = r.LastIndex!.Value;
                done = r.Status == RequestEntriesStatus.Last;
                next = done ? [] : Send(prev, lastApplied: lastApplied);
            }
            foreach (var response in next)
                inFlight.Enqueue(response);
        }

        Assert.True(done);
        Assert.True(snapshot.AsSpan().SequenceEqual(gotSnapshot.ToArray()), "the snapshot differs");
        var expected = _log.Entries(31, lastApplied);
        Assert.Equal(expected.Count, gotEntries.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Raw.Span.SequenceEqual(gotEntries[i].Raw.Span), $"entry {31 + i} differs");
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void OptionsOutsideZmqRaftsRangesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { Pipelines = 0 }));
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { SnapshotPipelines = 51 }));
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { TtlMs = 99 }));
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { HighWatermark = -1 }));
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { IndexFileCapacity = 3 }));
    }
}
