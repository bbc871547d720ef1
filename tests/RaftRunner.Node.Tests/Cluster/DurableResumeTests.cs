using System.Collections.Concurrent;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;

namespace RaftRunner.Node.Tests.Cluster;

/// <summary>A durable state machine (IDurableStateMachine) is never fed an entry twice, across restarts too.</summary>
public sealed class DurableResumeTests
{
    [Fact]
    public async Task A_restarted_node_goes_on_from_its_durable_state_machine_and_applies_no_entry_twice()
    {
        var disks = new ConcurrentDictionary<string, CountingDurableMachine.Disk>();
        await using var cluster = new NodeCluster(3) { Machines = id => new CountingDurableMachine(disks.GetOrAdd(id, _ => new())) };
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var follower = cluster.Running.First(id => id != leader);
        var last = 0L;
        for (var i = 0; i < 30; i++)
            last = await cluster.UpdateAsync(RequestId.New(), new[] { (byte)i });
        await cluster.AllAppliedAsync(last);
        await cluster.StopAsync(follower);
        for (var i = 0; i < 10; i++)
            last = await cluster.UpdateAsync(RequestId.New(), new[] { (byte)(100 + i) });
        cluster.Start(follower); // a new machine object over the same "disk"
        await cluster.AllAppliedAsync(last);
        var disk = disks[follower];
        Assert.Equal(last, disk.LastApplied);
        Assert.All(disk.Applies, kv => Assert.Equal(1, kv.Value)); // every index exactly once, restart included
        Assert.Equal(40, disk.Applies.Count);
    }

    /// <summary>A state machine whose "disk" (an object the test keeps) survives restarts: last applied and applies per index.</summary>
    private sealed class CountingDurableMachine(CountingDurableMachine.Disk disk) : IDurableStateMachine
    {
        public sealed class Disk
        {
            public long LastApplied { get; set; }

            public ConcurrentDictionary<long, int> Applies { get; } = new();
        }

        public long LastAppliedIndex => disk.LastApplied;

        public ValueTask<object?> ApplyAsync(long index, LogEntry entry, CancellationToken ct)
        {
            disk.Applies.AddOrUpdate(index, 1, (_, n) => n + 1); // every call counts: the node must not even offer an index twice
            if (index > disk.LastApplied)
                disk.LastApplied = index;
            return ValueTask.FromResult<object?>(null);
        }

        public ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct) => throw new InvalidOperationException("the node must use the indexed apply");

        public ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
    }
}
