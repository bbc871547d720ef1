using RaftRunner.Actors.TestKit;
using RaftRunner.Node.Applying;
using RaftRunner.Node.StateMachines;
using RaftRunner.Node.Tests.Snapshots;
using RaftRunner.Protocol;

namespace RaftRunner.Node.Tests.Applying;

/// <summary>A state machine that can capture a view (ISnapshotCapture) keeps applying while its snapshot is written.</summary>
public sealed class ConcurrentSnapshotTests : TestKit, IDisposable
{
    private readonly ScratchDirectory _dir = new();

    void IDisposable.Dispose()
    {
        Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Entries_are_applied_while_a_captured_snapshot_is_being_written_and_the_snapshot_holds_the_captured_state()
    {
        var machine = new SlowSnapshots();
        var applier = Sys.ActorOf(StateMachineApplierActor.Props(machine));
        applier.Tell(new ApplyEntries(1, [StateMachineApplierActorTests.State(1, KeyValueCommands.Set("a", "1"))], 1), TestActor);
        ExpectMsg<EntriesApplied>();
        var path = _dir.File("snap");
        applier.Tell(new TakeSnapshot(path), TestActor);
        Assert.True(machine.Writing.Wait(TimeSpan.FromSeconds(5)), "the snapshot writer did not start");
        // The writer is blocked: applies must still go through.
        applier.Tell(new ApplyEntries(2, [StateMachineApplierActorTests.State(1, KeyValueCommands.Set("b", "2"))], 1), TestActor);
        Assert.Equal(2, ExpectMsg<EntriesApplied>(TimeSpan.FromSeconds(5)).LastIndex);
        machine.Release.Set();
        var taken = ExpectMsg<SnapshotTaken>(TimeSpan.FromSeconds(5));
        Assert.Equal(1, taken.Index); // as of the capture, not of the later apply

        var restored = new KeyValueStateMachine();
        var second = Sys.ActorOf(StateMachineApplierActor.Props(restored));
        second.Tell(new RestoreSnapshot(path, 1, 1), TestActor);
        ExpectMsg<SnapshotRestored>();
        Assert.Equal(1, restored.Count);
        Assert.True(restored.TryGet("a", out _));
    }

    /// <summary>The key-value machine whose captured snapshot waits to be released.</summary>
    private sealed class SlowSnapshots : IStateMachine, ISnapshotCapture
    {
        private readonly KeyValueStateMachine _inner = new();

        public ManualResetEventSlim Writing { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct) => _inner.ApplyAsync(entry, ct);

        public ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct) => _inner.WriteSnapshotAsync(destination, ct);

        public ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct) => _inner.RestoreSnapshotAsync(source, ct);

        public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct) => _inner.QueryAsync(request, ct);

        public Func<Stream, CancellationToken, ValueTask> CaptureSnapshot()
        {
            var write = _inner.CaptureSnapshot();
            return async (destination, ct) =>
            {
                Writing.Set();
                await Task.Run(() => Release.Wait(TimeSpan.FromSeconds(10)), ct);
                await write(destination, ct);
            };
        }
    }
}
