namespace RaftRunner.Node.Tests.Hosting;

// Inside the namespace: found before the root namespace RaftRunner (see the facade's remarks).
using System.Collections.Concurrent;
using RaftRunner.Hosting;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.Testing;

/// <summary>The facade as a user sees it (issue 7's Must show): join, leave, restart, follower changes, results.</summary>
public sealed class RaftRunnerFacadeTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rr-facade-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, RaftRunner> _nodes = [];
    private readonly Dictionary<string, KeyValueStateMachine> _machines = [];
    private readonly Dictionary<string, RecordingMachine> _recorders = [];
    private readonly PeerInfo[] _peers = Enumerable.Range(1, 4).Select(i => new PeerInfo($"n{i}", $"tcp://127.0.0.1:{FreePort.Next()}")).ToArray();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Values)
            await node.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task A_fourth_node_joins_through_the_facade_a_node_leaves_and_restarts_keep_every_state_equal()
    {
        var seed = _peers[..3];
        foreach (var peer in seed)
            Start(peer.Id, seed);
        var leader = await _nodes["n1"].WaitForLeaderAsync(Timeout(20));
        var follower = seed.First(p => p.Id != leader).Id;

        // Changes through every node, followers included: each returns its committed index.
        var last = 0L;
        for (var i = 0; i < 150; i++)
        {
            var through = _nodes[seed[i % 3].Id];
            var result = await through.ChangeStateMachineAsync(KeyValueCommands.Set($"k{i % 60}", $"v{i}"), Timeout(20));
            Assert.True(result.Index > last);
            last = result.Index;
        }
        var onFollower = await _nodes[follower].ChangeStateMachineAsync(KeyValueCommands.Set("from-follower", "yes"), Timeout(20));
        Assert.True(onFollower.Index > last);
        Assert.True(_machines[follower].TryGet("from-follower", out _), "a follower's change is applied on that follower when it returns");
        Assert.True((await _nodes[leader].GetStatusAsync()).FirstIndex > 1, "the cluster should have taken snapshots and compacted its logs");

        // n4 is given one seed peer and is not in it: it joins, gets a snapshot and later entries, and follows.
        Start("n4", [_peers[1]]);
        await Until(() => _nodes["n4"].Role == RaftRole.Follower && _nodes["n4"].GetPeers().Count == 4, "n4 to become a follower of 4 peers");
        Assert.Equal(4, _nodes[leader].GetPeers().Count);
        last = (await _nodes["n4"].ChangeStateMachineAsync(KeyValueCommands.Set("after-join", "n4"), Timeout(20))).Index;
        await AllApplied(last);
        Assert.True((await _nodes["n4"].GetStatusAsync()).FirstIndex > 1, "n4 should have been sent a snapshot, not the whole log");
        AssertSameState();

        // A follower leaves; the other three go on.
        var leaving = seed.Select(p => p.Id).First(id => id != _nodes["n1"].LeaderId && id != "n1");
        Assert.True(await _nodes[leaving].LeaveAsync(Timeout(20)) > 0);
        await Until(() => _nodes["n1"].GetPeers().Count == 3 && _nodes["n1"].GetPeers().All(p => p.Id != leaving), $"{leaving} to be out of n1's configuration");
        await Stop(leaving);
        for (var i = 0; i < 30; i++)
            last = (await _nodes["n4"].ChangeStateMachineAsync(KeyValueCommands.Set($"after-leave{i}", "x"), Timeout(20))).Index;

        // Every remaining node restarts on its data dir (a clean stop; process kills are in the interop tests).
        foreach (var id in _nodes.Keys.ToArray())
        {
            var peers = id == "n4" ? [_peers[1]] : seed;
            await Stop(id);
            Start(id, peers);
            last = (await _nodes[_nodes.Keys.First(k => k != id)].ChangeStateMachineAsync(KeyValueCommands.Set($"restart-{id}", "x"), Timeout(30))).Index;
            await AllApplied(last);
            AssertSameState();
        }
        Assert.Equal(3, _nodes.Count);
    }

    [Fact]
    public async Task Results_rejections_and_queries_reach_the_caller_on_any_node()
    {
        var seed = _peers[..3];
        foreach (var peer in seed)
            Start(peer.Id, seed, id => new CountingMachine());
        var leader = await _nodes["n1"].WaitForLeaderAsync(Timeout(20));
        var follower = seed.First(p => p.Id != leader).Id;

        foreach (var id in new[] { leader, follower })
        {
            var result = await _nodes[id].ChangeStateMachineAsync("add"u8.ToArray(), Timeout(20));
            Assert.IsType<long>(result.Result); // the state machine's own answer: its count after the change
            var rejected = await Assert.ThrowsAsync<ChangeFailedException>(() => _nodes[id].ChangeStateMachineAsync("reject"u8.ToArray(), Timeout(20)));
            Assert.Equal(ChangeFailure.ApplyFailed, rejected.Reason);
            Assert.True(rejected.Index > result.Index);
            Assert.IsType<InvalidDataException>(rejected.InnerException);
        }
        // The node went on after the rejections; a linearizable read on a follower sees the leader's latest change.
        var latest = await _nodes[leader].ChangeStateMachineAsync("add"u8.ToArray(), Timeout(20));
        Assert.Equal(3L, latest.Result);
        var read = await _nodes[follower].QueryAsync("count"u8.ToArray(), ReadConsistency.Linearizable, Timeout(20));
        Assert.Equal("3", System.Text.Encoding.UTF8.GetString(read.Span));
        var local = await _nodes[leader].QueryAsync("count"u8.ToArray(), ReadConsistency.Local, Timeout(20));
        Assert.Equal("3", System.Text.Encoding.UTF8.GetString(local.Span));
        var badQuery = await Assert.ThrowsAsync<QueryFailedException>(() => _nodes[follower].QueryAsync("nonsense"u8.ToArray(), ReadConsistency.Linearizable, Timeout(20)));
        Assert.Equal(QueryFailure.Rejected, badQuery.Reason);
        await Assert.ThrowsAsync<ChangeFailedException>(() => _nodes[follower].ChangeStateMachineAsync(ReadOnlyMemory<byte>.Empty, Timeout(20)));
    }

    [Fact]
    public async Task A_linearizable_read_on_a_follower_finds_the_new_leader_after_the_old_one_stops()
    {
        var seed = _peers[..3];
        foreach (var peer in seed)
            Start(peer.Id, seed);
        var leader = await _nodes["n1"].WaitForLeaderAsync(Timeout(20));
        var follower = seed.First(p => p.Id != leader).Id;
        // The follower's forwarding client learns the current leader.
        await _nodes[follower].QueryAsync(KeyValueCommands.Count(), ReadConsistency.Linearizable, Timeout(20));

        await Stop(leader);
        var written = await _nodes[follower].ChangeStateMachineAsync(KeyValueCommands.Set("after", "failover"), Timeout(30));
        var reader = seed.Select(p => p.Id).First(id => id != leader && _nodes[id].LeaderId != id);
        var value = await _nodes[reader].QueryAsync(KeyValueCommands.Get("after"), ReadConsistency.Linearizable, Timeout(30));
        Assert.Equal("failover", System.Text.Encoding.UTF8.GetString(KeyValueCommands.ReadValue(value.Span)!));
        Assert.True(written.Index > 0);
    }

    [Fact]
    public async Task Entries_covered_by_a_snapshot_are_not_applied_again_after_a_restart()
    {
        var seed = _peers[..3];
        foreach (var peer in seed)
            Start(peer.Id, seed, _ => new RecordingMachine(), snapshotInterval: 50);
        await _nodes["n1"].WaitForLeaderAsync(Timeout(20));
        var indexOf = new Dictionary<string, long>();
        for (var i = 0; i < 130; i++)
        {
            var key = $"k{i}";
            indexOf[key] = (await _nodes["n2"].ChangeStateMachineAsync(KeyValueCommands.Set(key, "v"), Timeout(20))).Index;
        }
        await AllApplied(indexOf.Values.Max());
        await Stop("n3");
        Start("n3", seed, _ => new RecordingMachine(), snapshotInterval: 50);
        var last = (await _nodes["n1"].ChangeStateMachineAsync(KeyValueCommands.Set("after", "restart"), Timeout(20))).Index;
        await AllApplied(last);

        var restarted = _recorders["n3"];
        var snapshotIndex = (await _nodes["n3"].GetStatusAsync()).FirstIndex - 1;
        Assert.True(snapshotIndex >= 100, $"n3 should have restarted from a snapshot at 100 or later, not {snapshotIndex}");
        Assert.Equal(1, restarted.Restores);
        var reapplied = restarted.AppliedKeys.Where(k => indexOf.TryGetValue(k, out var index) && index <= snapshotIndex).ToArray();
        Assert.Empty(reapplied);
        Assert.Equal(indexOf.Count(kv => kv.Value > snapshotIndex) + 1, restarted.AppliedKeys.Count);
        AssertSameState();
    }

    private void Start(string id, IReadOnlyList<PeerInfo> peers, Func<string, IStateMachine>? machine = null, long snapshotInterval = 40)
    {
        var stateMachine = machine?.Invoke(id) ?? new KeyValueStateMachine();
        _machines[id] = stateMachine switch
        {
            KeyValueStateMachine kv => kv,
            RecordingMachine r => (_recorders[id] = r).State,
            _ => new KeyValueStateMachine(),
        };
        var url = _peers.Single(p => p.Id == id).Url;
        _nodes[id] = new RaftRunner(new NodeSettings
        {
            NodeId = id,
            Url = url,
            BindUrl = url,
            DataDirectory = Path.Combine(_root, id),
            Peers = peers,
            SnapshotInterval = snapshotInterval,
        }, stateMachine, Environment.GetEnvironmentVariable("RAFTRUNNER_TEST_LOG") == "1"
            ? Microsoft.Extensions.Logging.LoggerFactory.Create(b => Microsoft.Extensions.Logging.ConsoleLoggerExtensions.AddSimpleConsole(b, o => o.SingleLine = true))
            : null); // RAFTRUNNER_TEST_LOG=1 shows the nodes' logs
    }

    private async Task Stop(string id)
    {
        if (_nodes.Remove(id, out var node))
            await node.DisposeAsync();
    }

    private async Task AllApplied(long index) =>
        await Until(async () =>
        {
            foreach (var node in _nodes.Values)
            {
                if ((await node.GetStatusAsync()).LastApplied < index)
                    return false;
            }
            return true;
        }, $"every node to apply {index}");

    private void AssertSameState()
    {
        var hashes = _nodes.Keys.ToDictionary(id => id, id => _machines[id].StateHash());
        Assert.True(hashes.Values.Distinct().Count() == 1, "state hashes differ: " + string.Join(", ", hashes.Select(h => $"{h.Key}={h.Value[..12]}")));
    }

    private static CancellationToken Timeout(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static Task Until(Func<bool> condition, string what) => Until(() => Task.FromResult(condition()), what);

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>A key-value machine that records the keys it applies and counts restores.</summary>
    private sealed class RecordingMachine : IStateMachine
    {
        public KeyValueStateMachine State { get; } = new();

        public ConcurrentQueue<string> AppliedKeysQueue { get; } = new();

        public IReadOnlyCollection<string> AppliedKeys => AppliedKeysQueue;

        public int Restores;

        public ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct)
        {
            var result = State.ApplyAsync(entry, ct);
            AppliedKeysQueue.Enqueue(KeyOf(entry));
            return result;
        }

        public ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct) => State.WriteSnapshotAsync(destination, ct);

        public ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct)
        {
            Interlocked.Increment(ref Restores);
            return State.RestoreSnapshotAsync(source, ct);
        }

        public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct) => State.QueryAsync(request, ct);

        private static string KeyOf(LogEntry entry) =>
            Protocol.MessagePack.MessagePackCodec.TryDecodeExact(entry.Data.Span, out var command, out _) && command.TryGetProperty("key", out var key) && key.TryGetString(out var text)
                ? text
                : "";
    }

    /// <summary>Counts "add" changes (the result is the new count), rejects "reject", answers "count".</summary>
    private sealed class CountingMachine : IStateMachine
    {
        private long _count;

        public ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct) =>
            entry.Data.Span.SequenceEqual("add"u8) ? new((object?)++_count)
            : throw new InvalidDataException($"not a command: {System.Text.Encoding.UTF8.GetString(entry.Data.Span)}");

        public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct) =>
            await destination.WriteAsync(BitConverter.GetBytes(_count), ct);

        public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct)
        {
            var buffer = new byte[8];
            _count = await source.ReadAtLeastAsync(buffer, 8, throwOnEndOfStream: false, ct) == 8 ? BitConverter.ToInt64(buffer) : 0;
        }

        public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct) =>
            request.Span.SequenceEqual("count"u8)
                ? new(System.Text.Encoding.UTF8.GetBytes(_count.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                : throw new InvalidDataException("unknown query");
    }
}
