using RaftRunner.Actors;
using RaftRunner.Actors.TestKit;
using RaftRunner.Node.Applying;
using RaftRunner.Node.Snapshots;
using RaftRunner.Node.StateMachines;
using RaftRunner.Node.Tests.Snapshots;
using RaftRunner.Protocol;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Node.Tests.Applying;

public sealed class StateMachineApplierActorTests : TestKit
{
    private static readonly ConfigEntryData Three = ConfigEntryData.Final(
        [new PeerInfo("a", "tcp://127.0.0.1:8041"), new PeerInfo("b", "tcp://127.0.0.1:8051"), new PeerInfo("c", "tcp://127.0.0.1:8061")]);

    private readonly ScratchDirectory _dir = new();

    private IActorRef Applier(IStateMachine stateMachine, ApplierSettings? settings = null) =>
        Sys.ActorOf(StateMachineApplierActor.Props(stateMachine, settings));

    internal static LogEntry State(ulong term, byte[] data, RequestId? id = null) => LogEntry.Create(id ?? RequestId.New(), LogEntryType.State, term, data);

    private static LogEntry Config(ulong term, ConfigEntryData config, RequestId? id = null) => LogEntry.Create(id ?? RequestId.New(), LogEntryType.Config, term, config.Encode());

    private void Apply(IActorRef applier, long firstIndex, params LogEntry[] entries)
    {
        applier.Tell(new ApplyEntries(firstIndex, entries, entries.Length == 0 ? 1 : entries[^1].Term), TestActor);
        ExpectMsg(new EntriesApplied(firstIndex + entries.Length - 1));
    }

    private byte[] Query(IActorRef applier, byte[] query)
    {
        applier.Tell(new QueryStateMachine(query), TestActor);
        var result = ExpectMsg<QueryResult>();
        Assert.Null(result.Error);
        return result.Response.ToArray();
    }

    private SnapshotTaken Take(IActorRef applier, string path)
    {
        applier.Tell(new TakeSnapshot(path), TestActor);
        return ExpectMsg<SnapshotTaken>(TimeSpan.FromSeconds(30));
    }

    private ApplyEntriesRefusedException ExpectRefusal()
    {
        var failure = ExpectMsg<Status.Failure>();
        return Assert.IsType<ApplyEntriesRefusedException>(failure.Cause);
    }

    [Fact]
    public void State_entries_are_applied_in_order_and_acknowledged()
    {
        var probe = new ProbeStateMachine();
        var applier = Applier(probe);
        Apply(applier, 1, State(1, KeyValueCommands.Set("a", "1")), State(1, KeyValueCommands.Set("a", "2")));
        Apply(applier, 3, State(2, KeyValueCommands.Delete("a")), State(2, KeyValueCommands.Set("b", "3")));
        Apply(applier, 5); // an empty batch changes nothing

        Assert.Equal(
            [KeyValueCommands.Set("a", "1"), KeyValueCommands.Set("a", "2"), KeyValueCommands.Delete("a"), KeyValueCommands.Set("b", "3")],
            probe.Applied);
        Assert.Null(KeyValueCommands.ReadValue(Query(applier, KeyValueCommands.Get("a"))));
        Assert.Equal("3"u8.ToArray(), KeyValueCommands.ReadValue(Query(applier, KeyValueCommands.Get("b"))));
    }

    [Fact]
    public void Checkpoints_are_skipped_and_config_entries_are_recorded_but_never_applied()
    {
        var probe = new ProbeStateMachine();
        var applier = Applier(probe);
        var configId = RequestId.New();
        var stateId = RequestId.New();
        Apply(applier, 1,
            LogEntry.Checkpoint(1),
            Config(1, Three, configId),
            State(2, KeyValueCommands.Set("k", "v"), stateId),
            LogEntry.Checkpoint(3));
        Assert.Equal([KeyValueCommands.Set("k", "v")], probe.Applied);

        var path = _dir.File("snap");
        var taken = Take(applier, path);
        Assert.Equal(new SnapshotTaken(path, 4, 3, taken.DataSize), taken);
        using var snapshot = SnapshotFile.Open(path);
        Assert.Equal(4UL, snapshot.Index);
        Assert.Equal(3UL, snapshot.Term); // the term of the last applied entry
        var envelope = SnapshotEnvelopeReader.ReadEnvelope(snapshot);
        Assert.NotNull(envelope);
        Assert.Equal(Three, envelope.Configuration);
        Assert.Equal(2, envelope.ConfigurationIndex);
        Assert.Equal([(configId, 2L), (stateId, 3L)], envelope.RequestIds);
    }

    [Fact]
    public void A_gap_or_a_repeat_is_refused_and_nothing_is_applied()
    {
        var probe = new ProbeStateMachine();
        var applier = Applier(probe);

        applier.Tell(new ApplyEntries(2, [State(1, KeyValueCommands.Set("x", "1"))], 1), TestActor);
        var gap = ExpectRefusal();
        Assert.Equal(2, gap.FirstIndex);
        Assert.Equal(1, gap.ExpectedFirstIndex);
        Assert.Empty(probe.Applied);

        Apply(applier, 1, State(1, KeyValueCommands.Set("a", "1")), State(1, KeyValueCommands.Set("b", "1")));
        applier.Tell(new ApplyEntries(2, [State(1, KeyValueCommands.Set("b", "1")), State(1, KeyValueCommands.Set("c", "1"))], 1), TestActor);
        var repeat = ExpectRefusal();
        Assert.Equal(3, repeat.ExpectedFirstIndex);
        Assert.Equal(2, probe.Applied.Count);
        Apply(applier, 3, State(1, KeyValueCommands.Set("c", "1")));
    }

    [Fact]
    public void A_snapshot_taken_by_one_applier_restores_the_same_state_and_contents_in_another()
    {
        var first = new KeyValueStateMachine();
        var applier = Applier(first);
        var configId = RequestId.New();
        var ids = new List<(RequestId, long)> { (configId, 1) }; // CONFIG entries' ids count too, as in the Raft core's cache
        Apply(applier, 1, Config(1, Three, configId));
        for (var i = 2; i <= 50; i++)
        {
            var id = RequestId.New();
            ids.Add((id, i));
            Apply(applier, i, State((ulong)(i / 10 + 1), KeyValueCommands.Set($"key{i}", [(byte)i]), id));
        }
        var path = _dir.File("snap");
        var taken = Take(applier, path);
        Assert.Equal(new SnapshotTaken(path, 50, 6, taken.DataSize), taken);

        var second = new KeyValueStateMachine();
        var other = Applier(second);
        other.Tell(new RestoreSnapshot(path, 50, 6), TestActor);
        var restored = ExpectMsg<SnapshotRestored>();
        Assert.Equal(50, restored.Index);
        Assert.Equal(Three, restored.Contents.Configuration);
        Assert.Equal(ids, restored.Contents.RequestIds);

        Assert.Equal(first.Count, second.Count);
        Assert.Equal(Query(applier, KeyValueCommands.Keys()), Query(other, KeyValueCommands.Keys()));
        Assert.Equal([(byte)7], KeyValueCommands.ReadValue(Query(other, KeyValueCommands.Get("key7")))!);

        // The restored applier snapshots the same bytes: same state, same configuration and ids, same index and term.
        var again = _dir.File("snap2");
        Assert.Equal(new SnapshotTaken(again, 50, 6, taken.DataSize), Take(other, again));
        Assert.Equal(SnapshotData(path), SnapshotData(again));

        // And it carries on from the snapshot's index.
        other.Tell(new ApplyEntries(50, [State(6, KeyValueCommands.Set("x", "1"))], 6), TestActor);
        Assert.Equal(51, ExpectRefusal().ExpectedFirstIndex);
        Apply(other, 51, State(6, KeyValueCommands.Set("x", "1")));
    }

    [Fact]
    public async Task A_foreign_snapshot_restores_as_plain_state_with_no_configuration()
    {
        var source = new KeyValueStateMachine();
        await source.ApplyAsync(State(1, KeyValueCommands.Set("from", "zmq-raft")), CancellationToken.None);
        using var raw = new MemoryStream();
        await source.WriteSnapshotAsync(raw, CancellationToken.None);
        var path = _dir.File("snap");
        using (var writer = SnapshotWriter.Create(path, 9, 2))
        {
            writer.Write(raw.ToArray()); // the state machine's bytes alone, as a zmq-raft node's snapshot would hold
            writer.Install().Dispose();
        }

        var kv = new KeyValueStateMachine();
        var applier = Applier(kv);
        applier.Tell(new RestoreSnapshot(path, 9, 2), TestActor);
        var restored = ExpectMsg<SnapshotRestored>();
        Assert.Equal(9, restored.Index);
        Assert.Null(restored.Contents.Configuration);
        Assert.Empty(restored.Contents.RequestIds);
        Assert.Equal("zmq-raft"u8.ToArray(), KeyValueCommands.ReadValue(Query(applier, KeyValueCommands.Get("from"))));
        Apply(applier, 10, State(2, KeyValueCommands.Set("next", "1")));

        // The empty snapshot of a new log is the empty state.
        var empty = _dir.File("empty");
        SnapshotFile.CreateEmpty(empty).Dispose();
        applier.Tell(new RestoreSnapshot(empty, 0, 0), TestActor);
        Assert.Equal(0, ExpectMsg<SnapshotRestored>().Index);
        Assert.Equal(0, kv.Count);
        Apply(applier, 1, State(1, KeyValueCommands.Set("a", "1")));
    }

    [Fact]
    public void A_restore_that_cannot_start_fails_without_touching_the_state_machine()
    {
        var probe = new ProbeStateMachine();
        var applier = Applier(probe);
        Apply(applier, 1, State(1, KeyValueCommands.Set("a", "1")));
        var path = _dir.File("snap");
        Take(applier, path);

        applier.Tell(new RestoreSnapshot(path, 2, 1), TestActor);
        Assert.Contains("holds index 1 term 1, not index 2 term 1", ExpectMsg<SnapshotFailed>().Reason, StringComparison.Ordinal);
        applier.Tell(new RestoreSnapshot(_dir.File("missing"), 1, 1), TestActor);
        Assert.Contains("cannot open the snapshot", ExpectMsg<SnapshotFailed>().Reason, StringComparison.Ordinal);

        var corrupt = _dir.File("corrupt");
        using (var writer = SnapshotWriter.Create(corrupt, 1, 1))
        {
            writer.Write(SnapshotEnvelopeTests.Envelope([0xc1], 1, 2, 3));
            writer.Install().Dispose();
        }
        applier.Tell(new RestoreSnapshot(corrupt, 1, 1), TestActor);
        Assert.Contains("corrupt snapshot envelope at data offset 12", ExpectMsg<SnapshotFailed>().Reason, StringComparison.Ordinal);

        Assert.Equal(0, probe.Restores);
        Apply(applier, 2, State(1, KeyValueCommands.Set("b", "1"))); // carries on where it was
    }

    [Fact]
    public void A_failed_snapshot_write_installs_nothing_and_keeps_the_old_snapshot()
    {
        var probe = new ProbeStateMachine();
        var applier = Applier(probe);
        Apply(applier, 1, State(1, KeyValueCommands.Set("a", "1")));
        var path = _dir.File("snap");
        Take(applier, path);
        var before = File.ReadAllBytes(path);

        Apply(applier, 2, State(1, KeyValueCommands.Set("b", "1")));
        probe.FailWrite = true;
        applier.Tell(new TakeSnapshot(path), TestActor);
        Assert.Contains("the probe fails this snapshot", ExpectMsg<SnapshotFailed>().Reason, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["snap"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName)); // no temporary file left

        applier.Tell(new TakeSnapshot(_dir.File("other")), TestActor);
        ExpectMsg<SnapshotFailed>();
        Assert.False(File.Exists(_dir.File("other")));
        Apply(applier, 3, State(1, KeyValueCommands.Set("c", "1"))); // the applier carries on
    }

    [Fact]
    public void Queries_go_to_the_state_machine_and_its_errors_come_back_as_text()
    {
        var applier = Applier(new KeyValueStateMachine());
        Apply(applier, 1, State(1, KeyValueCommands.Set("a", [1, 2])));
        Assert.Equal([1, 2], KeyValueCommands.ReadValue(Query(applier, KeyValueCommands.Get("a"))));
        Assert.Equal(1, KeyValueCommands.ReadCount(Query(applier, KeyValueCommands.Count())));

        applier.Tell(new QueryStateMachine(new byte[] { 0xc1 }), TestActor);
        var bad = ExpectMsg<QueryResult>();
        Assert.True(bad.Response.IsEmpty);
        Assert.StartsWith("InvalidDataException: the query is not MessagePack", bad.Error, StringComparison.Ordinal);
        Apply(applier, 2, State(1, KeyValueCommands.Set("b", "1"))); // a failed query changes nothing
    }

    [Fact]
    public void Only_the_newest_request_ids_are_remembered()
    {
        var applier = Applier(new KeyValueStateMachine(), new ApplierSettings { MaxRequestIds = 2 });
        var ids = Enumerable.Range(0, 4).Select(_ => RequestId.New()).ToArray();
        Apply(applier, 1, [.. ids.Select(id => State(1, KeyValueCommands.Set("k", "v"), id)), State(1, KeyValueCommands.Set("no-id", "v"), RequestId.Zero)]);
        var path = _dir.File("snap");
        Take(applier, path);
        Assert.Equal([(ids[2], 3L), (ids[3], 4L)], SnapshotEnvelope.ReadContents(path)!.RequestIds);
    }

    [Fact]
    public void State_machine_calls_never_overlap()
    {
        var probe = new ProbeStateMachine { Yield = true };
        var applier = Applier(probe);
        for (var i = 1; i <= 20; i++)
        {
            applier.Tell(new ApplyEntries(i, [State(1, KeyValueCommands.Set($"k{i}", "v"))], 1), TestActor);
            applier.Tell(new QueryStateMachine(KeyValueCommands.Count()), TestActor);
            if (i % 5 == 0)
                applier.Tell(new TakeSnapshot(_dir.File($"snap{i}")), TestActor);
        }
        var replies = ReceiveN<object>(20 + 20 + 4, TimeSpan.FromSeconds(30));
        Assert.Equal(20, replies.OfType<EntriesApplied>().Count());
        Assert.Equal(4, replies.OfType<SnapshotTaken>().Count());
        // Each count answer reflects exactly the entries applied before it: calls ran one after another, in order.
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), replies.OfType<QueryResult>().Select(r => KeyValueCommands.ReadCount(r.Response.Span)));
        Assert.Equal(0, probe.Overlaps);
    }

    [Fact]
    public void A_rejected_entry_is_reported_to_its_watcher_and_the_batch_goes_on()
    {
        var probe = new ProbeStateMachine
        {
            RejectApplyWhen = e => e.Data.Span.SequenceEqual(KeyValueCommands.Set("bad", "!")),
            ResultOf = e => e.Data.Length,
        };
        var applier = Sys.ActorOf(StateMachineApplierActor.Props(probe));
        var good = State(1, KeyValueCommands.Set("a", "1"));
        var bad = State(1, KeyValueCommands.Set("bad", "!"));
        var unwatched = State(1, KeyValueCommands.Set("c", "1"));
        applier.Tell(new WatchOutcome(good.RequestId), TestActor);
        applier.Tell(new WatchOutcome(bad.RequestId), TestActor);
        applier.Tell(new ApplyEntries(1, [good, bad, unwatched], 1), TestActor);

        var applied = ExpectMsg<EntriesApplied>();
        Assert.Equal(3, applied.LastIndex);
        Assert.NotNull(applied.Outcomes);
        Assert.Equal(2, applied.Outcomes.Count); // only watched ids are reported
        Assert.Equal((1L, good.RequestId, (object?)good.Data.Length), (applied.Outcomes[0].Index, applied.Outcomes[0].Id, applied.Outcomes[0].Result));
        Assert.Null(applied.Outcomes[0].Error);
        Assert.Equal(2, applied.Outcomes[1].Index);
        Assert.IsType<InvalidOperationException>(applied.Outcomes[1].Error);
        Assert.Equal(2, KeyValue(probe).Count); // a and c; the rejected entry left the state untouched
        Assert.False(KeyValue(probe).TryGet("bad", out _));

        // The next batch goes on from the rejected one, and an id reported once is no longer watched.
        applier.Tell(new ApplyEntries(4, [good], 1), TestActor);
        Assert.Null(ExpectMsg<EntriesApplied>().Outcomes);
    }

    private static KeyValueStateMachine KeyValue(ProbeStateMachine probe) => (KeyValueStateMachine)probe.Inner;

    [Theory]
    [InlineData(Directive.Restart)]
    [InlineData(Directive.Resume)]
    public void A_state_machine_that_reports_corrupt_state_fails_the_applier_which_then_needs_a_snapshot_restored(Directive directive)
    {
        var probe = new ProbeStateMachine { FailApplyWhen = e => e.Data.Span.SequenceEqual(KeyValueCommands.Set("boom", "!")) };
        var failures = CreateTestProbe("failures");
        Sys.ActorOf(Props.Create(() => new Supervisor(StateMachineApplierActor.Props(probe), failures, directive)));
        var applier = failures.ExpectMsg<IActorRef>();

        applier.Tell(new ApplyEntries(1, [State(1, KeyValueCommands.Set("a", "1")), State(1, KeyValueCommands.Set("boom", "!")), State(1, KeyValueCommands.Set("c", "1"))], 1), TestActor);
        var failure = failures.ExpectMsg<StateMachineFailedException>();
        Assert.Equal(2, failure.Index);
        Assert.IsType<StateMachineCorruptException>(failure.InnerException);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // no acknowledgement for a batch that failed
        Assert.Equal(2, probe.Applied.Count); // the third entry never reached the state machine

        // Whatever the supervisor chose, nothing goes on until a snapshot replaces the state.
        applier.Tell(new ApplyEntries(2, [State(1, KeyValueCommands.Set("c", "1"))], 1), TestActor);
        Assert.Null(ExpectRefusal().ExpectedFirstIndex);
        applier.Tell(new TakeSnapshot(_dir.File("snap")), TestActor);
        Assert.Contains("awaits a restore", ExpectMsg<SnapshotFailed>().Reason, StringComparison.Ordinal);
        applier.Tell(new QueryStateMachine(KeyValueCommands.Count()), TestActor);
        Assert.NotNull(ExpectMsg<QueryResult>().Error);

        var empty = _dir.File("empty");
        SnapshotFile.CreateEmpty(empty).Dispose();
        applier.Tell(new RestoreSnapshot(empty, 0, 0), TestActor);
        ExpectMsg<SnapshotRestored>();
        Apply(applier, 1, State(1, KeyValueCommands.Set("a", "1")));
        Assert.Equal(1, KeyValueCommands.ReadCount(Query(applier, KeyValueCommands.Count())));
    }

    [Fact]
    public void A_failed_restore_leaves_the_applier_waiting_for_another()
    {
        var probe = new ProbeStateMachine();
        var applier = Applier(probe);
        Apply(applier, 1, State(1, KeyValueCommands.Set("a", "1")));
        var path = _dir.File("snap");
        Take(applier, path);

        probe.FailRestore = true;
        applier.Tell(new RestoreSnapshot(path, 1, 1), TestActor);
        Assert.Contains("must be restored again", ExpectMsg<SnapshotFailed>().Reason, StringComparison.Ordinal);
        applier.Tell(new ApplyEntries(2, [State(1, KeyValueCommands.Set("b", "1"))], 1), TestActor);
        Assert.Null(ExpectRefusal().ExpectedFirstIndex);

        probe.FailRestore = false;
        applier.Tell(new RestoreSnapshot(path, 1, 1), TestActor);
        ExpectMsg<SnapshotRestored>();
        Apply(applier, 2, State(1, KeyValueCommands.Set("b", "1")));
    }

    private static byte[] SnapshotData(string path)
    {
        using var snapshot = SnapshotFile.Open(path);
        var data = new byte[snapshot.DataSize];
        snapshot.ReadChunk(0, data);
        return data;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _dir.Dispose();
    }

    /// <summary>A parent that makes the applier, hands it to the test, and tells the test about each failure before deciding.</summary>
    private sealed class Supervisor : ReceiveActor
    {
        private readonly IActorRef _failures;
        private readonly Directive _directive;

        public Supervisor(Props child, IActorRef failures, Directive directive)
        {
            _failures = failures;
            _directive = directive;
            failures.Tell(Context.ActorOf(child, "applier"));
            ReceiveAny(_ => { });
        }

        protected override SupervisorStrategy SupervisorStrategy() => new(-1, TimeSpan.FromMinutes(1), e =>
        {
            _failures.Tell(e);
            return _directive;
        });
    }
}
