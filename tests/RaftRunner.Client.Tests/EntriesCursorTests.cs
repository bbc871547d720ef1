using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Client.Tests;

/// <summary>The reader's side of RequestEntries without any I/O: acknowledgements, checks and resumption points.</summary>
public sealed class EntriesCursorTests
{
    private static LogEntry Entry(int n) => LogEntry.Create(RequestId.New(), LogEntryType.State, 1, [(byte)n]);

    private static RequestEntriesResponse Batch(bool last, long lastIndex, int count) =>
        RequestEntriesResponse.Batch(7, last, (ulong)lastIndex, [.. Enumerable.Range(0, count).Select(Entry)], null);

    private static RequestEntriesResponse Chunk(long index, long term, long offset, long size, int length) =>
        RequestEntriesResponse.SnapshotChunkOf(7, (ulong)index, new SnapshotChunkInfo((ulong)offset, (ulong)size, (ulong)term), new byte[length]);

    [Fact]
    public void Contiguous_batches_are_delivered_with_their_indexes_and_acknowledged_by_their_last_index()
    {
        var cursor = new EntriesCursor(10, null);
        var items = new List<RaftLogItem>();
        Assert.Equal(EntriesStep.Continue, cursor.Accept(Batch(false, 13, 3), items, out _));
        Assert.Equal([11L, 12L, 13L], items.Select(i => i.Index));
        Assert.Equal(new RequestEntriesRequest(9, 13, null, null), cursor.Request(9));
        items.Clear();
        Assert.Equal(EntriesStep.Finished, cursor.Accept(Batch(true, 15, 2), items, out _));
        Assert.Equal([14L, 15L], items.Select(i => i.Index));
        Assert.True(cursor.Done);
    }

    [Fact]
    public void A_batch_that_does_not_follow_is_refused_and_the_position_kept()
    {
        var cursor = new EntriesCursor(10, null);
        var items = new List<RaftLogItem>();
        Assert.Equal(EntriesStep.Inconsistent, cursor.Accept(Batch(false, 15, 3), items, out var problem));
        Assert.Empty(items);
        Assert.Contains("do not follow 10", problem, StringComparison.Ordinal);
        Assert.Equal(10, cursor.PrevIndex);
    }

    [Fact]
    public void Nothing_to_send_ends_the_read_even_when_the_leader_is_behind_the_reader()
    {
        var cursor = new EntriesCursor(10, null);
        Assert.Equal(EntriesStep.Finished, cursor.Accept(Batch(true, 8, 0), [], out _));
        Assert.True(cursor.Done);
    }

    [Fact]
    public void A_snapshot_arrives_in_order_then_the_entries_after_its_index()
    {
        var cursor = new EntriesCursor(0, null);
        var items = new List<RaftLogItem>();
        Assert.Equal(EntriesStep.Continue, cursor.Accept(Chunk(50, 3, 0, 25, 10), items, out _));
        Assert.Equal(new RequestEntriesRequest(9, 0, null, 10), cursor.Request(9));
        Assert.Equal(EntriesStep.Continue, cursor.Accept(Chunk(50, 3, 10, 25, 10), items, out _));
        Assert.Equal(EntriesStep.Continue, cursor.Accept(Chunk(50, 3, 20, 25, 5), items, out _));
        Assert.Equal(50, cursor.PrevIndex);
        Assert.Equal(new RequestEntriesRequest(9, 50, null, null), cursor.Request(9));
        Assert.Equal(EntriesStep.Finished, cursor.Accept(Batch(true, 52, 2), items, out _));
        var chunks = items.OfType<SnapshotChunkItem>().ToArray();
        Assert.Equal([0L, 10L, 20L], chunks.Select(c => c.Offset));
        Assert.True(chunks[^1].IsLastChunk);
        Assert.Equal([51L, 52L], items.OfType<LogEntryItem>().Select(e => e.Index));
    }

    [Fact]
    public void A_snapshot_resumed_elsewhere_must_be_the_same_snapshot_or_start_over()
    {
        var cursor = new EntriesCursor(0, null);
        var items = new List<RaftLogItem>();
        cursor.Accept(Chunk(50, 3, 0, 25, 10), items, out _);
        Assert.Equal(10, cursor.SnapshotOffset);
        // The new leader's snapshot differs: a chunk at the asked offset of it is refused, and the next ask is from byte 0.
        Assert.Equal(EntriesStep.Inconsistent, cursor.Accept(Chunk(60, 4, 10, 40, 10), items, out _));
        Assert.Null(cursor.SnapshotOffset);
        Assert.Equal(EntriesStep.Continue, cursor.Accept(Chunk(60, 4, 0, 40, 10), items, out _));
        Assert.Equal(EntriesStep.Inconsistent, cursor.Accept(Chunk(60, 4, 20, 40, 10), items, out _)); // a lost chunk
        Assert.Equal(10, cursor.SnapshotOffset);
        Assert.Equal(2, items.Count);
    }

    [Fact]
    public void Entries_after_a_part_of_a_snapshot_void_it()
    {
        var cursor = new EntriesCursor(0, null);
        cursor.Accept(Chunk(50, 3, 0, 25, 10), [], out _);
        Assert.Equal(EntriesStep.Continue, cursor.Accept(Batch(false, 2, 2), [], out _)); // a leader that still has entry 1
        Assert.Null(cursor.SnapshotOffset);
        Assert.Equal(2, cursor.PrevIndex);
    }

    [Fact]
    public void A_bounded_read_asks_for_what_is_left_and_stops_the_stream_at_its_end()
    {
        var cursor = new EntriesCursor(10, 15);
        Assert.Equal(new RequestEntriesRequest(9, 10, 5, null), cursor.Request(9));
        Assert.Equal(EntriesStep.Continue, cursor.Accept(Batch(false, 12, 2), [], out _));
        Assert.Equal(new RequestEntriesRequest(9, 12, 3, null), cursor.Request(9));
        Assert.Equal(EntriesStep.FinishedEarly, cursor.Accept(Batch(false, 15, 3), [], out _));
        Assert.Equal(new RequestEntriesRequest(9, 15, 0, null), cursor.Stop(9));
        Assert.True(new EntriesCursor(4, 4).Done);
    }
}
