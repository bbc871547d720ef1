using RaftRunner.Client.Tests.Testing;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;

namespace RaftRunner.Client.Tests;

/// <summary>Entries streams from a leader whose log was compacted: the snapshot's chunks come first.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public async Task Reading_and_subscribing_from_the_start_pass_through_the_snapshot_chunks_then_the_entries()
    {
        await using var cluster = new NodeCluster(3, s => s with { SnapshotInterval = 40 });
        cluster.StartAll();
        await cluster.LeaderAsync();
        using var client = cluster.Client();
        var updates = new Dictionary<RequestId, long>();
        var value = new string('v', 1500); // 150 of them: a snapshot of a few 64 KiB chunks
        for (var i = 0; i < 150; i++)
        {
            var id = RequestId.New();
            updates[id] = await client.RequestUpdateAsync(KeyValueCommands.Set($"k{i}", value), id);
        }
        var info = await WaitForCompactionAsync(client);

        var items = await LogChecks.ReadAllAsync(client);
        var chunks = items.TakeWhile(i => i is SnapshotChunkItem).Cast<SnapshotChunkItem>().ToArray();
        Assert.True(chunks.Length >= 2, $"expected a snapshot of several chunks, got {chunks.Length}");
        var snapshotIndex = chunks[0].Index;
        Assert.Equal(info.FirstIndex - 1, snapshotIndex);
        Assert.All(chunks, c => Assert.Equal((snapshotIndex, chunks[0].Term, chunks[0].TotalSize), (c.Index, c.Term, c.TotalSize)));
        var offset = 0L;
        foreach (var chunk in chunks)
        {
            Assert.Equal(offset, chunk.Offset);
            offset += chunk.Data.Length;
        }
        Assert.Equal(chunks[0].TotalSize, offset);
        Assert.True(chunks[^1].IsLastChunk);
        var entries = items.Skip(chunks.Length).Cast<LogEntryItem>().ToArray();
        LogChecks.AssertContiguous(entries, snapshotIndex + 1);
        LogChecks.AssertEachOnceAt(entries, updates.Where(u => u.Value > snapshotIndex).ToDictionary());

        // From the snapshot's own index on there is nothing to stream but entries.
        var after = await LogChecks.ReadAllAsync(client, snapshotIndex);
        Assert.Equal(entries.Select(e => e.Entry), after.Cast<LogEntryItem>().Select(e => e.Entry));

        // A subscriber from 0 gets the same: the snapshot to fill the gap, then entries.
        await using var subscription = new Collector(ct => client.SubscribeAsync(0, ct));
        var last = await client.RequestUpdateAsync(KeyValueCommands.Set("late", "x"));
        var received = await subscription.UntilAsync(last);
        var snapshot = received.TakeWhile(i => i is SnapshotChunkItem).Cast<SnapshotChunkItem>().ToArray();
        Assert.NotEmpty(snapshot);
        Assert.True(snapshot[^1].IsLastChunk);
        LogChecks.AssertContiguous(received.Skip(snapshot.Length).Cast<LogEntryItem>(), snapshot[0].Index + 1);
    }

    private static async Task<RaftLogInfo> WaitForCompactionAsync(RaftClient client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var info = await client.RequestLogInfoAsync();
            if (info.FirstIndex > 1)
                return info;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the leader's log was not compacted: {info}");
            await Task.Delay(50);
        }
    }
}
