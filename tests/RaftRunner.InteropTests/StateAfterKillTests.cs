using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RaftRunner.Client;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using Xunit.Abstractions;

namespace RaftRunner.InteropTests;

/// <summary>
/// Three <c>raft-runner node</c> processes (the key-value state machine) under a continuous load of RaftClient writes
/// while each node in turn — the leader first, then the followers — is SIGKILLed and restarted on its data, for
/// several rounds. With a snapshot every 300 entries, every restart rebuilds the state from the node's snapshot plus
/// the log after it. In the end every node must hold the same state (the key-value hash, asked of each node by
/// ClientDispatch), and it must be exactly the state the acknowledged writes make, applied in index order.
/// </summary>
public sealed partial class StateAfterKillTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "state-after-kill";
    private const int Size = 3;
    private const int SnapshotInterval = 300;
    private const int Rounds = 3;
    private const int Writers = 4;
    private const int KeysPerWriter = 40; // each writer overwrites its own keys over and over
    private const int MaxWritesPerWriter = 50_000;
    private const int AttemptsPerWrite = 3; // each a whole CallTimeout, with the same request id
    private const int WritesBeforeFirstKill = 2 * SnapshotInterval; // every node has a snapshot by then
    private const int WritesBetweenKills = 150; // progress with the restarted node back, and new snapshots
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500); // between a kill and the restart
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private readonly string _root = Directory.CreateTempSubdirectory("raft-runner-kill-").FullName;
    private readonly List<RaftRunnerNodeProcess> _nodes = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task State_is_the_same_on_every_node_and_equals_the_acknowledged_writes_after_SIGKILL_restarts_through_snapshot_and_log()
    {
        await StartClusterAsync();
        var urls = _nodes.Select(n => n.Url).ToArray();
        var options = new RaftClientOptions { Secret = Secret, CallTimeout = TimeSpan.FromSeconds(30) };
        // The test's own questions: a shorter limit, so that a node that died is noticed soon (see UntilAsync).
        using var control = new RaftClient(urls, options with { CallTimeout = TimeSpan.FromSeconds(10) });
        Log($"leader {(await control.RequestConfigAsync()).LeaderId}");

        var acked = new ConcurrentQueue<Ack>();
        var unresolved = new ConcurrentQueue<string>();
        var retries = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Writers).Select(_ => new RaftClient(urls, options)).ToArray();
        var writers = clients.Select((client, w) => Task.Run(async () =>
        {
            for (var i = 0; i < MaxWritesPerWriter && !stop.IsCancellationRequested; i++)
            {
                var key = $"w{w}-k{i % KeysPerWriter}";
                var value = $"w{w}-{i}";
                var data = KeyValueCommands.Set(key, value);
                var id = RequestId.New();
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        // Not cancelled by `stop`: a write under way is carried through to its answer.
                        acked.Enqueue(new Ack(await client.RequestUpdateAsync(data, id), key, value, id, data));
                        break;
                    }
                    catch (TimeoutException e) when (attempt < AttemptsPerWrite)
                    {
                        Interlocked.Increment(ref retries);
                        Log($"writer {w}: {e.Message}; sent again with the same id");
                    }
                    catch (TimeoutException e)
                    {
                        unresolved.Enqueue($"{key}={value} ({id}): {e.Message}");
                        return; // its outcome is unknown: this writer stops
                    }
                }
            }
        })).ToArray();

        var kills = new List<Kill>();
        var writersStuck = false;
        try
        {
            await UntilAsync(() => acked.Count >= WritesBeforeFirstKill, StepTimeout, () => $"{WritesBeforeFirstKill} writes acknowledged (have {acked.Count})", writers);
            Log($"{acked.Count} writes acknowledged before the first kill");
            for (var round = 1; round <= Rounds; round++)
            {
                // Each node once a round: the leader first, then a follower while one is left (the last node of a
                // round has often been elected meanwhile).
                var left = _nodes.ToList();
                while (left.Count > 0)
                {
                    var leaderId = (await control.RequestConfigAsync()).LeaderId;
                    var victim = left.Count == Size
                        ? left.Single(n => n.Id == leaderId)
                        : left.OrderBy(n => n.Id == leaderId ? 1 : 0).ThenBy(n => n.Id, StringComparer.Ordinal).First();
                    left.Remove(victim);
                    kills.Add(await KillAndRestartAsync(control, victim, round, acked, writers));
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(AttemptsPerWrite * 30 + 10));
            }
            catch (TimeoutException)
            {
                writersStuck = true; // the test fails below (unless it failed already)
            }
            foreach (var client in clients)
                client.Dispose();
        }
        Assert.False(writersStuck, $"the writers did not finish their last writes within {AttemptsPerWrite * 30 + 10} s\n{Logs()}");
        var writes = acked.OrderBy(a => a.Index).ToArray();
        Log($"writing stopped: {writes.Length} writes acknowledged, {retries} resent after a timeout, {unresolved.Count} unresolved");

        // Every node applies everything committed (bounded).
        var final = await ConvergedAsync(control);
        Log($"final commit index {final.CommitIndex}; every node has applied it ({_clock.Elapsed.TotalSeconds:0.0} s)");

        // The state of every node, by its hash; then each key's value.
        var hashes = new Dictionary<string, string>();
        foreach (var node in _nodes)
            hashes[node.Id] = KeyValueCommands.ReadHash((await control.DispatchAsync([KeyValueCommands.Hash()], node.Url))[0].Span);
        Log("hashes: " + string.Join(", ", hashes.Select(h => $"{h.Key} {h.Value[..16]}")));

        Assert.True(hashes.Values.Distinct().Count() == 1, $"the nodes' states differ: {string.Join(", ", hashes)}\n{Logs()}");
        Assert.True(unresolved.IsEmpty, $"writes whose outcome is unknown (no answer in {AttemptsPerWrite} x 30 s): {string.Join("; ", unresolved)}\n{Logs()}");
        Assert.True(writes.Select(w => w.Index).Distinct().Count() == writes.Length, "two writes were acknowledged at the same index");
        Assert.True(writes[^1].Index <= final.CommitIndex, $"a write was acknowledged at {writes[^1].Index}, past the final commit index {final.CommitIndex}");

        // The acknowledged writes, applied in index order to a key-value machine of our own, give the same hash.
        var expected = new KeyValueStateMachine();
        foreach (var write in writes)
            await expected.ApplyAsync(LogEntry.Create(write.RequestId, LogEntryType.State, 1, write.Data), CancellationToken.None);
        Assert.Equal(Writers * KeysPerWriter, expected.Count);
        Assert.True(expected.StateHash() == hashes.Values.First(),
            $"the nodes' state ({hashes.Values.First()}) is not the one the acknowledged writes make ({expected.StateHash()})\n{Logs()}");

        // Key by key, on every node: the last acknowledged write of each key is what it holds.
        var last = writes.GroupBy(w => w.Key).ToDictionary(g => g.Key, g => g.MaxBy(w => w.Index)!.Value);
        foreach (var node in _nodes)
        {
            foreach (var (key, value) in last)
            {
                var answer = KeyValueCommands.ReadValue((await control.DispatchAsync([KeyValueCommands.Get(key)], node.Url))[0].Span);
                Assert.True(answer is not null && Encoding.UTF8.GetString(answer) == value,
                    $"{node.Id} holds {(answer is null ? "nothing" : Encoding.UTF8.GetString(answer))} for {key}, not {value} (acknowledged last)");
            }
        }

        // Every restart went through a snapshot of the node's own and the log after it.
        Assert.Equal(Rounds * Size, kills.Count);
        foreach (var kill in kills)
        {
            Assert.True(kill.SnapshotFileBefore, $"{kill.Node} had no snapshot file when it was killed: {kill}");
            Assert.True(kill.RestoredIndex is > 0, $"{kill.Node} did not restore a snapshot when it restarted: {kill}\n{Logs()}");
            Assert.True(kill.FirstIndexAfter > 1, $"{kill.Node}'s log did not start after a snapshot when it restarted: {kill}");
        }
        Log($"{kills.Count} kills ({kills.Count(k => k.WasLeader)} of a leader); {writes.Length} writes acknowledged; final index {final.CommitIndex}; "
            + $"{_nodes.Sum(n => Count(n.Output, "Took a snapshot at index"))} snapshots taken; {_clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var node in _nodes)
            Log($"{node.Id}: {Count(node.Output, "warn:")} warnings, {Count(node.Output, "fail:")} errors, {Count(node.Output, "crit:")} critical in its output");
    }

    /// <summary>SIGKILL, a short pause, a restart on the same data; then waits until it caught up and writes went on.</summary>
    private async Task<Kill> KillAndRestartAsync(RaftClient control, RaftRunnerNodeProcess node, int round, ConcurrentQueue<Ack> acked, Task[] writers)
    {
        var before = await control.RequestLogInfoAsync(node.Url);
        var snapshotFile = File.Exists(Path.Combine(node.DataDirectory, "snap"));
        var ackedBefore = acked.Count;
        node.Kill();
        Log($"round {round}: killed {node.Id} ({(before.IsLeader ? "leader" : "follower")}, term {before.CurrentTerm}, applied {before.LastApplied}, first index {before.FirstIndex}, snapshot file {snapshotFile})");
        await Task.Delay(Pause);
        await Task.Run(() => node.Start());
        ThrowIfANodeExited();

        // Right after the start: where its log begins (before it hears much from the leader).
        var after = await control.RequestLogInfoAsync(node.Url);
        Log($"round {round}: restarted {node.Id}: first index {after.FirstIndex}, applied {after.LastApplied}");

        // It catches up with the leader's commit index of now, and the cluster goes on committing writes.
        var target = (await control.RequestLogInfoAsync()).CommitIndex;
        await UntilAsync(async () => (await control.RequestLogInfoAsync(node.Url)).LastApplied >= target, StepTimeout, () => $"{node.Id} applied {target}", writers);
        var ackedAtRestart = acked.Count;
        await UntilAsync(() => acked.Count >= ackedAtRestart + WritesBetweenKills, StepTimeout, () => $"{WritesBetweenKills} more writes after {node.Id} restarted", writers);
        // What this incarnation rebuilt its state from, as its log says.
        var restored = RestoredSnapshot().Match(node.Output.Split("--- (process ended) ---")[^1]);
        var restoredIndex = restored.Success ? long.Parse(restored.Groups[1].Value, CultureInfo.InvariantCulture) : (long?)null;
        Log($"round {round}: {node.Id} caught up to {target}; {acked.Count - ackedBefore} writes acknowledged since its kill; "
            + (restored.Success ? $"it restored: \"{restored.Value}\"" : "no snapshot restore in its log"));
        return new Kill(node.Id, round, before.IsLeader, snapshotFile, before.LastApplied, after.FirstIndex, restoredIndex);
    }

    /// <summary>Waits until every node's applied and commit index equal the leader's commit index, and it stays put.</summary>
    private async Task<RaftLogInfo> ConvergedAsync(RaftClient control)
    {
        var clock = Stopwatch.StartNew();
        var infos = Array.Empty<RaftLogInfo>();
        while (clock.Elapsed < StepTimeout)
        {
            ThrowIfANodeExited();
            var leader = await control.RequestLogInfoAsync();
            infos = await Task.WhenAll(_nodes.Select(n => control.RequestLogInfoAsync(n.Url)));
            if (infos.All(i => i.LastApplied == leader.CommitIndex && i.CommitIndex == leader.CommitIndex))
                return leader;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the nodes did not converge within {StepTimeout}: {string.Join("; ", infos)}\n{Logs()}");
    }

    private async Task UntilAsync(Func<Task<bool>> condition, TimeSpan within, Func<string> what, Task[] writers)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            ThrowIfANodeExited();
            try
            {
                if (await condition())
                    return;
            }
            catch (TimeoutException) when (clock.Elapsed < within)
            {
                // a node did not answer: it may have died (checked above), or be busy
            }
            if (clock.Elapsed > within || writers.All(w => w.IsCompleted))
                throw new TimeoutException($"not within {within}: {what()} (writers still running: {writers.Count(w => !w.IsCompleted)})\n{Logs()}");
            await Task.Delay(20);
        }
    }

    /// <summary>Every node runs, except while the test has it down: one that exited on its own fails the test at once.</summary>
    private void ThrowIfANodeExited()
    {
        if (_nodes.FirstOrDefault(n => !n.IsRunning) is { } dead)
            throw new InvalidOperationException($"{dead.Id} exited on its own; its output:\n"
                + string.Join("\n", dead.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(60)) + $"\n{Logs(15)}");
    }

    private Task UntilAsync(Func<bool> condition, TimeSpan within, Func<string> what, Task[] writers) =>
        UntilAsync(() => Task.FromResult(condition()), within, what, writers);

    /// <summary>Three nodes on free ports; should a port be taken meanwhile, all start again on new ones.</summary>
    private async Task StartClusterAsync()
    {
        var configFile = Path.Combine(_root, "cluster.conf");
        await File.WriteAllTextAsync(configFile, $"raft-runner.storage.snapshot-interval = {SnapshotInterval}\n");
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePort.Distinct(2 * Size);
            var peers = string.Join(",", Enumerable.Range(0, Size).Select(i => $"n{i + 1}=tcp://127.0.0.1:{ports[2 * i]}"));
            var nodes = Enumerable.Range(0, Size).Select(i => new RaftRunnerNodeProcess(
                $"n{i + 1}", ports[2 * i], Path.Combine(_root, $"a{attempt}-n{i + 1}"), peers, Secret)
            { PubPort = ports[2 * i + 1], ConfigFile = configFile }).ToList();
            _nodes.AddRange(nodes);
            try
            {
                await Task.WhenAll(nodes.Select(n => Task.Run(() => n.Start())));
                await Task.Delay(500);
                if (nodes.All(n => n.IsRunning && n.Output.Contains("PUB bound to", StringComparison.Ordinal)))
                {
                    Log($"started {peers} (attempt {attempt}) in {_root}");
                    return;
                }
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // a port was taken: below, again on new ones
            }
            if (attempt == 3)
                throw new InvalidOperationException($"the cluster did not start in 3 attempts:\n{Logs()}");
            foreach (var node in nodes)
                node.Dispose();
            _nodes.Clear();
        }
    }

    private void Log(string line) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {line}");

    private string Logs(int lastLines = 40) => string.Join("\n", _nodes.Select(n =>
        $"--- {n.Id} ({n.Url}):\n" + string.Join("\n", n.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lastLines))));

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            try
            {
                node.Stop(TimeSpan.FromSeconds(5));
            }
            catch (InvalidOperationException)
            {
                // did not stop on SIGTERM: killed below
            }
        }
        foreach (var node in _nodes)
            node.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temporary folder
        }
    }

    [GeneratedRegex(@"Restored the snapshot at index (\d+)[^\n]*")]
    private static partial Regex RestoredSnapshot();

    private sealed record Ack(long Index, string Key, string Value, RequestId RequestId, byte[] Data);

    private sealed record Kill(string Node, int Round, bool WasLeader, bool SnapshotFileBefore, long AppliedBefore, long FirstIndexAfter, long? RestoredIndex);
}
