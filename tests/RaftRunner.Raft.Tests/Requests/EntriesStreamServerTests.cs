using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Requests;

namespace RaftRunner.Raft.Tests.Requests;

/// <summary>
/// RequestEntries on the leader (docs/zmq-raft-core-behaviour.md §6.3, Q16, Q17, scenario 15). The expected
/// responses were checked against zmq-raft 0.5.0's requestEntriesHandler driven over a real FileLog; the traces
/// recorded from it are replayed in full by <see cref="EntriesStreamTraceTests"/>.
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
    public void Entries_are_served_only_up_to_last_applied()
    {
        AppendMany(12, 10); // commitIndex may be 12; only 10 are applied (scenario 15)
        var responses = Send(8, lastApplied: 10);
        Assert.Equal([Last(10, 2)], Shape(responses));
        Assert.Equal(_log.Entries(9, 10).Select(e => e.Raw.ToArray()), responses[0].Entries.Select(e => e.Raw.ToArray()));
        Assert.Null(responses[0].LeaderId); // the ignored frame is null on a leader
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void A_count_narrows_the_range_but_never_past_last_applied()
    {
        AppendMany(12, 10);
        Assert.Equal([Last(5, 3)], Shape(Send(2, count: 3, lastApplied: 10)));
        Assert.Equal([Last(10, 2)], Shape(Send(8, count: 50, lastApplied: 10)));
        Assert.Equal([Last(10, 2)], Shape(Send(8, count: ulong.MaxValue, lastApplied: 10)));
    }

    [Fact]
    public void A_prev_index_beyond_last_applied_is_answered_last_with_last_applied()
    {
        AppendMany(12, 10);
        var responses = Send(15, lastApplied: 10);
        Assert.Equal([Last(10, 0)], Shape(responses)); // lastIndex below the client's prevIndex (Q16)
        Assert.Equal(0, _server.ActiveStreams);
        Assert.Equal([Last(10, 0)], Shape(Send(10, lastApplied: 10)));
        Assert.Null(_server.NextSweepAtMs); // no stream was opened
    }

    [Fact]
    public void At_most_five_pipelined_batches_are_unacknowledged()
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
    public void The_stream_ends_once_the_last_batch_is_the_only_one_unacknowledged()
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
    public void An_out_of_order_ack_restarts_the_stream()
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
    public void Repeating_the_first_request_restarts_the_stream()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0);
        Assert.Equal([More(1, 1), More(2, 1), More(3, 1), More(4, 1), More(5, 1)], Shape(Send(0)));
    }

    [Fact]
    public void A_count_of_zero_cancels_the_stream()
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
    public void One_big_entry_waits_for_its_acknowledgement_before_the_next_batch()
    {
        Append(70_000, 10, 10);
        Assert.Equal([More(1, 1)], Shape(Send(0)));
        Assert.Equal([Last(3, 2)], Shape(Send(1)));
    }

    [Fact]
    public void Small_entries_are_batched_by_the_entries_each_read_completes()
    {
        AppendMany(300, 1004); // 1024-byte entries: 64 per 64 KiB read
        Assert.Equal([More(64, 64), More(128, 64), More(192, 64), More(256, 64), Last(300, 44)], Shape(Send(0)));
    }

    [Fact]
    public void An_idle_stream_is_cancelled_by_the_sweep_after_its_ttl()
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
    public void A_valid_ack_refreshes_the_ttl()
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
    public void A_late_tick_sweeps_once_and_delays_the_next_sweep()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0, nowMs: 0);
        _server.Tick(4500);
        Assert.Equal(1, _server.ActiveStreams);
        Assert.Equal(6500, _server.NextSweepAtMs);
    }

    [Fact]
    public void Above_the_high_watermark_new_streams_are_dropped()
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
    public void Streams_are_keyed_by_connection_and_request_id()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0, key: EntriesStreamKey.Of("a"u8, 1));
        Assert.Equal(5, Send(3, key: EntriesStreamKey.Of("b"u8, 1)).Count);
        Assert.Equal(2, _server.ActiveStreams);
        Assert.Equal([More(6, 1)], Shape(Send(1, key: EntriesStreamKey.Of("a"u8, 1))));
    }

    [Fact]
    public void A_node_that_is_not_leader_answers_not_leader_with_the_leader_id()
    {
        AppendMany(5, 10);
        var request = new RequestEntriesRequest(7, 0);
        var answer = _server.Handle(Key, request, _log, 5, isLeader: false, leaderId: "n2", nowMs: 0);
        Assert.Equal([RequestEntriesResponse.NotLeader(7, "n2")], answer);
        Assert.Equal([RequestEntriesResponse.NotLeader(7, null)], _server.Handle(Key, request, _log, 5, isLeader: false, leaderId: null, nowMs: 0));
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void Leaving_leadership_cancels_every_stream_without_a_reply()
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
    public void The_snapshot_is_streamed_when_prev_index_is_before_the_log()
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
    public void A_snapshot_ack_without_offset_is_accepted_while_behind_the_snapshot()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[300_000]);
        Send(3);
        Assert.Equal([Chunk(131072, 65536)], Shape(Send(3)));
        Assert.Equal([Chunk(196608, 65536)], Shape(Send(29)));
    }

    [Fact]
    public void A_snapshot_stream_starts_at_the_requested_offset()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[150_000]);
        Assert.Equal([Chunk(100, 65536), Chunk(65636, 65536)], Shape(Send(3, snapshotOffset: 100)));
    }

    [Fact]
    public void An_out_of_order_snapshot_ack_restarts_from_the_acked_offset()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[300_000]);
        Send(3);
        Assert.Equal([Chunk(1000, 65536), Chunk(66536, 65536)], Shape(Send(3, snapshotOffset: 1000)));
        Assert.Equal(1, _server.ActiveStreams);
    }

    [Fact]
    public void A_snapshot_ack_at_the_snapshot_index_is_a_new_request()
    {
        AppendMany(40, 10);
        _log.InstallSnapshot(30, Term, new byte[300_000]);
        Send(3);
        Assert.Equal([Last(40, 10)], Shape(Send(30)));
        Assert.Equal(0, _server.ActiveStreams);
    }

    [Fact]
    public void A_snapshot_offset_beyond_the_size_gets_one_empty_chunk()
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
    public void A_snapshot_offset_at_the_size_gets_no_reply()
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
    public void A_replaced_snapshot_restarts_the_stream_against_the_new_one()
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
    public void Compacted_entries_restart_the_stream_from_the_snapshot()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0);
        _log.InstallSnapshot(12, Term, new byte[10]); // entries 6..12, not yet read, are gone
        Assert.Equal([Chunk(0, 10)], Shape(Send(1)));
    }

    [Fact]
    public void Compaction_of_entries_already_read_does_not_disturb_the_stream()
    {
        OneEntryPerBatch();
        AppendMany(20, 10);
        Send(0);
        _log.InstallSnapshot(4, Term, new byte[10]);
        Assert.Equal([More(6, 1)], Shape(Send(1)));
    }

    [Fact]
    public void A_full_client_loop_reassembles_exactly_the_log()
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
    public void Options_outside_zmq_rafts_ranges_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { Pipelines = 0 }));
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { SnapshotPipelines = 51 }));
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { TtlMs = 99 }));
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { HighWatermark = -1 }));
        Assert.Throws<ArgumentException>(() => new EntriesStreamServer(new EntriesStreamOptions { IndexFileCapacity = 3 }));
    }
}
