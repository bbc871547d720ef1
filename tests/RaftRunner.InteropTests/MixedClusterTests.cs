using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace RaftRunner.InteropTests;

/// <summary>
/// Issue 6, "must show" #2: zmq-raft nodes (bin/zmq-raft.js) and RaftRunner nodes (<c>raft-runner node</c>) in one
/// three-peer cluster, 2 + 1 and 1 + 2. Driven by zmq-raft's own client (node/mixed-client.js: ZmqRaftClient follows
/// the leader); logs compared at the end by reading every data directory with zmq-raft's FileLog (node/mixed-readlog.js).
/// </summary>
public sealed class MixedClusterTests(ZmqRaftInstallation zmqRaft, ITestOutputHelper output) : IClassFixture<ZmqRaftInstallation>, IDisposable
{
    private const string Secret = "mixed-cluster";
    private const string ZmqRaftKind = "zmq-raft";
    private const string RaftRunnerKind = "raft-runner";
    private const int WaitMs = 15_000;
    private static readonly TimeSpan ScriptSlack = TimeSpan.FromSeconds(15);
    private readonly string _root = Directory.CreateTempSubdirectory("mixed-cluster-").FullName;
    private readonly List<IClusterNodeProcess> _nodes = [];

    /// <summary>
    /// Start all three; a leader is elected; it is steered to a node of <paramref name="leaderKind"/> (see
    /// <see cref="LeaderOfKind"/>); updates commit on all three and the leader's log holds each acknowledged one at its
    /// index; SIGKILL the leader; the other two elect a new one and commit more; the killed node restarted on its data
    /// directory catches up; every log, read from disk, holds the same entries and every acknowledged update.
    /// </summary>
    [Theory]
    [InlineData(2, 1, ZmqRaftKind)]
    [InlineData(2, 1, RaftRunnerKind)]
    [InlineData(1, 2, ZmqRaftKind)]
    [InlineData(1, 2, RaftRunnerKind)]
    public async Task Mixed_cluster_commits_through_a_leader_of_either_kind_on_all_three_and_loses_no_acknowledged_update_when_that_leader_is_SIGKILLed_and_restarted(
        int zmqRaftNodes, int raftRunnerNodes, string leaderKind)
    {
        var all = StartCluster(zmqRaftNodes, raftRunnerNodes, snapshotInterval: 10_000);
        var acked = new List<Ack>();

        var leader = await LeaderOfKind(all, leaderKind, acked);
        Log($"leader: {Describe(leader)}");
        acked.AddRange(Updates(all, "first", 200));
        Converge(all, acked.Max(a => a.Index));
        AssertLeaderLogHolds(all, acked);

        leader = await LeaderOfKind(all, leaderKind, acked);
        leader.Kill();
        Log($"SIGKILLed the leader {Describe(leader)}");
        var survivors = all.Where(n => n != leader).ToList();
        var second = await WaitForLeader(survivors);
        Log($"new leader: {Describe(second)}");
        acked.AddRange(Updates(survivors, "second", 100));
        Converge(survivors, acked.Max(a => a.Index));

        leader.Start();
        Log($"restarted {Describe(leader)} on its data directory");
        acked.AddRange(Updates(all, "third", 50));
        Converge(all, acked.Max(a => a.Index));
        AssertLeaderLogHolds(all, acked);

        StopAll(all);
        AssertLogsOnDisk(all, acked);
        LogRoleChanges();
    }

    /// <summary>
    /// The single node of its kind is stopped and its data directory wiped, so the leader is one of the two others —
    /// the other kind. The leader's log is compacted (zmq-raft: a compaction snapshot made by zr-log-compact and
    /// installed by the running nodes; RaftRunner: raft-runner.storage.snapshot-interval = 100), more updates commit,
    /// and the node restarted empty catches up: it installs the leader's snapshot (its first index moves past 1) and
    /// takes the entries after it; every log, read from disk, agrees, and every acknowledged update is in a log or in a
    /// snapshot's key-value state.
    /// </summary>
    [Theory]
    [InlineData(2, 1)]
    [InlineData(1, 2)]
    public async Task A_node_restarted_with_an_empty_data_directory_catches_up_by_snapshot_and_entries_from_a_leader_of_the_other_kind(int zmqRaftNodes, int raftRunnerNodes)
    {
        var all = StartCluster(zmqRaftNodes, raftRunnerNodes, snapshotInterval: 100);
        var acked = new List<Ack>();
        await WaitForLeader(all);
        acked.AddRange(Updates(all, "before", 150));
        Converge(all, acked.Max(a => a.Index));

        var lonely = all.Single(n => all.Count(m => m.Kind == n.Kind) == 1);
        lonely.Stop();
        Directory.Delete(lonely.DataDirectory, recursive: true);
        Directory.CreateDirectory(lonely.DataDirectory);
        Log($"stopped {Describe(lonely)} and emptied its data directory");
        var others = all.Where(n => n != lonely).ToList();
        var leader = await WaitForLeader(others);
        Log($"leader: {Describe(leader)}");
        Assert.NotEqual(lonely.Kind, leader.Kind);

        acked.AddRange(Updates(others, "while-away", 150));
        var infos = Converge(others, acked.Max(a => a.Index));
        long snapshotIndex;
        if (leader.Kind == ZmqRaftKind)
        {
            // zmq-raft compacts only by installing a snapshot made outside the node: zr-log-compact with a state machine.
            snapshotIndex = infos.Min(i => i.CommitIndex);
            foreach (var node in others.OfType<ZmqRaftNodeProcess>())
                Compact(node, snapshotIndex);
            Converge(others, snapshotIndex, i => i.FirstIndex == snapshotIndex + 1, "installed the compaction snapshot");
        }
        else
        {
            snapshotIndex = infos.Single(i => i.Url == leader.Url).FirstIndex - 1;
            Assert.True(snapshotIndex >= 100, $"the RaftRunner leader has not compacted its log: {infos.Single(i => i.Url == leader.Url)}");
        }
        Log($"the leader's log starts after its snapshot at {snapshotIndex}");
        acked.AddRange(Updates(others, "after-compaction", 50));
        Converge(others, acked.Max(a => a.Index));

        lonely.Start();
        Log($"restarted {Describe(lonely)} with an empty data directory");
        var final = Converge(all, acked.Max(a => a.Index));
        var caughtUp = final.Single(i => i.Url == lonely.Url);
        Assert.True(caughtUp.FirstIndex > snapshotIndex,
            $"{Describe(lonely)} did not take the leader's snapshot (it must: the leader's log starts after {snapshotIndex}): {caughtUp}");
        Assert.True(caughtUp.SnapshotSize > 0, $"{Describe(lonely)} reports an empty snapshot: {caughtUp}");
        if (lonely.Kind == RaftRunnerKind)
            await WaitForOutput(lonely, "installed the leader's snapshot");
        AssertLeaderLogHolds(all, acked);

        StopAll(all);
        var logs = AssertLogsOnDisk(all, acked);
        LogRoleChanges();
        Assert.True(logs[lonely.Id].Snapshot.Index >= snapshotIndex, $"{Describe(lonely)}'s snapshot on disk is at {logs[lonely.Id].Snapshot.Index}, before {snapshotIndex}");
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
        for (var attempt = 0; attempt < 5 && Directory.Exists(_root); attempt++)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                Thread.Sleep(200); // a killed node's files may be closing
            }
        }
    }

    // ---- cluster ----

    private List<IClusterNodeProcess> StartCluster(int zmqRaftNodes, int raftRunnerNodes, long snapshotInterval)
    {
        var members = Enumerable.Range(1, zmqRaftNodes).Select(i => (Id: $"z{i}", Kind: ZmqRaftKind))
            .Concat(Enumerable.Range(1, raftRunnerNodes).Select(i => (Id: $"r{i}", Kind: RaftRunnerKind)))
            .ToList();
        // Two distinct ports per node (router, and broadcast PUB), all below the ephemeral range (FreePort).
        var ports = new HashSet<int>();
        while (ports.Count < 2 * members.Count)
            ports.Add(FreePort.Next());
        var portList = ports.ToList();
        var placed = members.Select((m, i) => (m.Id, m.Kind, Port: portList[2 * i], PubPort: portList[2 * i + 1])).ToList();
        var peers = placed.Select(m => (m.Id, Url: $"tcp://127.0.0.1:{m.Port.ToString(CultureInfo.InvariantCulture)}")).ToList();
        var raftRunnerConfig = Path.Combine(_root, "raft-runner.conf");
        File.WriteAllText(raftRunnerConfig, $"raft-runner.storage.snapshot-interval = {snapshotInterval.ToString(CultureInfo.InvariantCulture)}\n");
        var nodes = new List<IClusterNodeProcess>();
        foreach (var m in placed)
        {
            var dataDirectory = Path.Combine(_root, m.Id);
            IClusterNodeProcess node = m.Kind == ZmqRaftKind
                ? new ZmqRaftNodeProcess(zmqRaft.ServerScript, m.Id, m.Port, dataDirectory, peers, Secret, m.PubPort)
                : new RaftRunnerNodeProcess(m.Id, m.Port, dataDirectory, string.Join(',', peers.Select(p => $"{p.Id}={p.Url}")), Secret) { PubPort = m.PubPort, ConfigFile = raftRunnerConfig };
            _nodes.Add(node);
            nodes.Add(node);
        }
        foreach (var node in nodes)
            node.Start();
        Log($"started {string.Join(", ", nodes.Select(Describe))}");
        return nodes;
    }

    /// <summary>
    /// Makes a node of <paramref name="kind"/> the leader when the leader is of the other kind: with Y the current
    /// leader, T a node of <paramref name="kind"/> and W the third node, stop Y (SIGTERM); commit a few updates through
    /// {T, W}; stop W; start Y, whose log lacks those updates, so that of {T, Y} only T can be elected (§5.4.1); start W
    /// again. A spurious election (a timeout on this loaded 2-core machine) can still move the leadership later, so the
    /// caller asks again right before it needs the leader; at most three rounds.
    /// </summary>
    private async Task<IClusterNodeProcess> LeaderOfKind(List<IClusterNodeProcess> all, string kind, List<Ack> acked)
    {
        for (var round = 1; ; round++)
        {
            var current = await WaitForLeader(all);
            if (current.Kind == kind)
                return current;
            if (round > 3)
                throw new Xunit.Sdk.XunitException($"the leadership did not stay with a {kind} node in three rounds; the leader is {Describe(current)}{NodeOutputs()}");
            var y = current;
            var target = all.First(n => n.Kind == kind);
            var w = all.Single(n => n != target && n != y);
            Log($"steering the leadership from {Describe(y)} to {Describe(target)}");
            y.Stop();
            await WaitForLeader([target, w]);
            acked.AddRange(Updates([target, w], $"steer{round}", 10));
            Converge([target, w], acked.Max(a => a.Index));
            w.Stop();
            y.Start();
            var leader = await WaitForLeader([target, y]);
            if (leader != target)
                Log($"{Describe(leader)} leads: it had caught up from {Describe(target)} before an election");
            w.Start();
            Converge(all, acked.Max(a => a.Index));
        }
    }

    private static string Describe(IClusterNodeProcess node) => $"{node.Id} ({node.Kind})";

    private void StopAll(IEnumerable<IClusterNodeProcess> nodes)
    {
        foreach (var node in nodes)
        {
            var exit = node.Stop();
            Assert.True(exit == 0, $"{Describe(node)} exited with {exit} on SIGTERM: {Tail(node.Output)}");
        }
    }

    /// <summary>Waits (at most 5 s: the node's console logger writes asynchronously) until the node has logged <paramref name="text"/>.</summary>
    private async Task WaitForOutput(IClusterNodeProcess node, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!node.Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"{Describe(node)} has not logged \"{text}\":\n{Tail(node.Output)}");
            await Task.Delay(100);
        }
    }

    private void Compact(ZmqRaftNodeProcess node, long index)
    {
        var tool = Path.Combine(zmqRaft.PackagePath, "bin", "zr-log-compact.js");
        var state = Path.Combine(RepositoryPaths.NodeScripts, "mixed-kv-state.js");
        var (exitCode, stdout, stderr) = ChildProcess.Run("node",
            [tool, "-d", node.DataDirectory, "-t", node.CompactInstallPath, "-m", state, "-i", index.ToString(CultureInfo.InvariantCulture), "-N"],
            TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"zr-log-compact of {node.Id} at {index} exited with {exitCode}: {stdout} {stderr}");
    }

    // ---- zmq-raft's client (node/mixed-client.js) ----

    private async Task<IClusterNodeProcess> WaitForLeader(IReadOnlyList<IClusterNodeProcess> candidates)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(WaitMs);
        while (true)
        {
            var answer = Client(candidates, "leader", WaitMs.ToString(CultureInfo.InvariantCulture));
            var leaderId = answer.GetProperty("leaderId").GetString();
            if (candidates.FirstOrDefault(n => n.Id == leaderId) is { IsRunning: true } leader)
                return leader;
            // A peer may still name the node that just died as leader: ask again until the survivors agree.
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"no leader among {string.Join(", ", candidates.Select(Describe))}; last answer named {leaderId}{NodeOutputs()}");
            await Task.Delay(200);
        }
    }

    private List<Ack> Updates(IReadOnlyList<IClusterNodeProcess> nodes, string prefix, int count)
    {
        var answer = Client(nodes, "updates", prefix, count.ToString(CultureInfo.InvariantCulture), "8", WaitMs.ToString(CultureInfo.InvariantCulture));
        var failed = answer.GetProperty("failed");
        Assert.True(failed.GetArrayLength() == 0, $"{failed.GetArrayLength()} of {count} updates were not acknowledged: {Shorten(failed.ToString())}{NodeOutputs()}");
        var acked = answer.GetProperty("acked").EnumerateArray()
            .Select(a => new Ack(a.GetProperty("id").GetString()!, a.GetProperty("index").GetInt64(), a.GetProperty("key").GetString()!,
                a.GetProperty("value").GetString()!, a.GetProperty("data").GetString()!))
            .ToList();
        Assert.Equal(count, acked.Count);
        Assert.Equal(count, acked.Select(a => a.Index).Distinct().Count());
        Log($"{count} updates '{prefix}' acknowledged at {acked.Min(a => a.Index)}..{acked.Max(a => a.Index)}");
        return acked;
    }

    /// <summary>Every node answers RequestLogInfo with the same commit, last and applied index (≥ minIndex) and leader.</summary>
    private List<LogInfo> Converge(IReadOnlyList<IClusterNodeProcess> nodes, long minIndex, Func<LogInfo, bool>? also = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(WaitMs);
        while (true)
        {
            var answer = Client(nodes, "converge", minIndex.ToString(CultureInfo.InvariantCulture), WaitMs.ToString(CultureInfo.InvariantCulture));
            var infos = answer.GetProperty("infos").EnumerateArray().Select(LogInfo.From).ToList();
            if (also is null || infos.All(also))
            {
                Log($"converged: {string.Join("; ", infos)}");
                return infos;
            }
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"not every node {what}: {string.Join("; ", infos)}{NodeOutputs()}");
            Thread.Sleep(200);
        }
    }

    /// <summary>RequestEntries from the leader: each acknowledged update after its snapshot is at its index, with its request id and data.</summary>
    private void AssertLeaderLogHolds(IReadOnlyList<IClusterNodeProcess> nodes, List<Ack> acked)
    {
        var answer = Client(nodes, "entries", "0", WaitMs.ToString(CultureInfo.InvariantCulture));
        var snapshotIndex = answer.GetProperty("snapshot") is { ValueKind: JsonValueKind.Object } s ? s.GetProperty("index").GetInt64() : 0;
        var entries = answer.GetProperty("entries").EnumerateArray().Select(Entry.From).ToList();
        for (var k = 0; k < entries.Count; k++)
            Assert.Equal(snapshotIndex + 1 + k, entries[k].Index);
        var byIndex = entries.ToDictionary(e => e.Index);
        foreach (var ack in acked.Where(a => a.Index > snapshotIndex))
        {
            Assert.True(byIndex.TryGetValue(ack.Index, out var entry), $"the leader's log ends at {snapshotIndex + entries.Count}, without the update acknowledged at {ack.Index}");
            Assert.True(entry.RequestId == ack.Id && entry.Data == ack.Data && entry.Type == 0,
                $"the leader's entry at {ack.Index} is {entry}, not the update acknowledged there ({ack.Id})");
        }
        Log($"the leader streamed {entries.Count} entries after its snapshot at {snapshotIndex}: {acked.Count(a => a.Index > snapshotIndex)} acknowledged updates at their indexes");
    }

    private JsonElement Client(IReadOnlyList<IClusterNodeProcess> nodes, string command, params string[] args)
    {
        var script = Path.Combine(RepositoryPaths.NodeScripts, "mixed-client.js");
        var urls = string.Join(',', nodes.Select(n => n.Url));
        var (exitCode, stdout, stderr) = ChildProcess.Run("node", [script, command, Secret, urls, .. args], TimeSpan.FromMilliseconds(WaitMs) + ScriptSlack);
        var last = stdout.Trim().Split('\n')[^1];
        Assert.True(exitCode == 0, $"mixed-client.js {command} {string.Join(' ', args)} exited with {exitCode}: {Shorten(last)} {Shorten(stderr)}{NodeOutputs()}");
        using var document = JsonDocument.Parse(last);
        return document.RootElement.Clone();
    }

    // ---- the logs on disk (node/mixed-readlog.js, zmq-raft's FileLog) ----

    /// <summary>
    /// Every stopped node's log read from disk: the same last index; the same entry at every index two logs hold;
    /// each acknowledged update either at its index or under the snapshot, whose key-value state has it.
    /// </summary>
    private Dictionary<string, DiskLog> AssertLogsOnDisk(IReadOnlyList<IClusterNodeProcess> nodes, List<Ack> acked)
    {
        var logs = nodes.ToDictionary(n => n.Id, n => ReadLog(n));
        foreach (var (id, log) in logs)
            Log($"{id} on disk: snapshot at {log.Snapshot.Index} (term {log.Snapshot.Term}, {log.Snapshot.Size} bytes), log {log.FirstIndex}..{log.LastIndex}");
        Assert.Single(logs.Values.Select(l => l.LastIndex).Distinct());
        var ids = logs.Keys.ToList();
        for (var a = 0; a < ids.Count; a++)
        {
            for (var b = a + 1; b < ids.Count; b++)
            {
                var (x, y) = (logs[ids[a]], logs[ids[b]]);
                for (var index = Math.Max(x.FirstIndex, y.FirstIndex); index <= x.LastIndex; index++)
                    Assert.True(x.Entries[index] == y.Entries[index], $"at {index} {ids[a]} holds {x.Entries[index]} and {ids[b]} holds {y.Entries[index]}");
            }
        }
        foreach (var (id, log) in logs)
        {
            foreach (var ack in acked)
            {
                if (ack.Index >= log.FirstIndex)
                {
                    Assert.True(log.Entries.TryGetValue(ack.Index, out var entry) && entry.RequestId == ack.Id && entry.Data == ack.Data,
                        $"{id}'s log does not hold the update acknowledged at {ack.Index}: {(entry is null ? "no entry" : entry.ToString())}");
                }
                else
                {
                    Assert.True(ack.Index <= log.Snapshot.Index, $"{id}'s log starts at {log.FirstIndex} after a snapshot at {log.Snapshot.Index}");
                    Assert.True(log.Snapshot.KeyValues is { } kv && kv.TryGetValue(ack.Key, out var value) && value == ack.Value,
                        $"{id}'s snapshot at {log.Snapshot.Index} lacks {ack.Key} = {ack.Value} (acknowledged at {ack.Index})");
                }
            }
        }
        return logs;
    }

    private static DiskLog ReadLog(IClusterNodeProcess node)
    {
        var script = Path.Combine(RepositoryPaths.NodeScripts, "mixed-readlog.js");
        var (exitCode, stdout, stderr) = ChildProcess.Run("node", [script, node.DataDirectory], TimeSpan.FromSeconds(30));
        var last = stdout.Trim().Split('\n')[^1];
        Assert.True(exitCode == 0, $"mixed-readlog.js {node.DataDirectory} exited with {exitCode}: {Shorten(last)} {Shorten(stderr)}");
        using var document = JsonDocument.Parse(last);
        var root = document.RootElement;
        var snapshot = root.GetProperty("snapshot");
        var kv = snapshot.GetProperty("kv") is { ValueKind: JsonValueKind.Object } map
            ? map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : null;
        return new DiskLog(root.GetProperty("firstIndex").GetInt64(), root.GetProperty("lastIndex").GetInt64(),
            new DiskSnapshot(snapshot.GetProperty("index").GetInt64(), snapshot.GetProperty("term").GetInt64(), snapshot.GetProperty("size").GetInt64(), kv),
            root.GetProperty("entries").EnumerateArray().Select(Entry.From).ToDictionary(e => e.Index));
    }

    // ---- diagnostics ----

    private void Log(string line) => output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");

    /// <summary>Every change of role the nodes logged (zmq-raft: DEBUG=zmq-raft:builder; RaftRunner: "is Leader in term").</summary>
    private void LogRoleChanges()
    {
        foreach (var node in _nodes)
        {
            var changes = node.Output.Split('\n')
                .Where(l => l.Contains("raft-state:", StringComparison.Ordinal) || System.Text.RegularExpressions.Regex.IsMatch(l, " is (Leader|Candidate|Follower|Client) in term "))
                .Select(l => l.Trim());
            Log($"{Describe(node)} roles: {string.Join(" | ", changes)}");
        }
    }

    private string NodeOutputs()
    {
        var text = new StringBuilder();
        foreach (var node in _nodes)
            text.Append(CultureInfo.InvariantCulture, $"\n--- {Describe(node)} ({(node.IsRunning ? "running" : "not running")}) ---\n{Tail(node.Output)}");
        return text.ToString();
    }

    private static string Tail(string text, int lines = 30) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + " …";

    private sealed record Ack(string Id, long Index, string Key, string Value, string Data);

    private sealed record Entry(long Index, long Term, int Type, string RequestId, string Data)
    {
        public static Entry From(JsonElement e) =>
            new(e.GetProperty("i").GetInt64(), e.GetProperty("t").GetInt64(), e.GetProperty("ty").GetInt32(), e.GetProperty("id").GetString()!, e.GetProperty("d").GetString()!);

        public override string ToString() => $"[{Index} term {Term} type {Type} id {RequestId} data {Shorten(Data)}]";
    }

    private sealed record LogInfo(string Url, bool IsLeader, string? LeaderId, long Term, long FirstIndex, long CommitIndex, long LastApplied, long LastIndex, long SnapshotSize, long PruneIndex)
    {
        public static LogInfo From(JsonElement e) =>
            new(e.GetProperty("url").GetString()!, e.GetProperty("isLeader").GetBoolean(), e.GetProperty("leaderId").GetString(), e.GetProperty("currentTerm").GetInt64(),
                e.GetProperty("firstIndex").GetInt64(), e.GetProperty("commitIndex").GetInt64(), e.GetProperty("lastApplied").GetInt64(), e.GetProperty("lastIndex").GetInt64(),
                e.GetProperty("snapshotSize").GetInt64(), e.GetProperty("pruneIndex").GetInt64());

        public override string ToString() =>
            $"{Url}: {(IsLeader ? "leader" : "follower")} of term {Term} (leader {LeaderId}), first {FirstIndex}, commit {CommitIndex}, applied {LastApplied}, last {LastIndex}, snapshot {SnapshotSize} B, prune {PruneIndex}";
    }

    private sealed record DiskSnapshot(long Index, long Term, long Size, Dictionary<string, string>? KeyValues);

    private sealed record DiskLog(long FirstIndex, long LastIndex, DiskSnapshot Snapshot, Dictionary<long, Entry> Entries);
}

