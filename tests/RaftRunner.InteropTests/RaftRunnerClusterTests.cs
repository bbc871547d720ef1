using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace RaftRunner.InteropTests;

/// <summary>
/// Three RaftRunner nodes driven by zmq-raft's own clients (node/cluster-load.js): ZmqRaftClient for
/// RequestConfig, RequestUpdate under load, RequestEntries and RequestLogInfo on every peer, and a
/// ZmqRaftSubscriber (the leader's PUB broadcasts plus RequestEntries for what it missed).
/// </summary>
public sealed class RaftRunnerClusterTests(ZmqRaftInstallation zmqRaft, ITestOutputHelper output) : IClassFixture<ZmqRaftInstallation>
{
    private const string Secret = "cluster-interop";
    private const int Updates = 10_000;
    private const int Concurrency = 32;

    // The default snapshot-interval (10,000 applied entries) would compact the log right at the end of the load,
    // racing the RequestEntries stream from index 0 (which would then get the snapshot instead of the log, and
    // zmq-raft 0.5.0's RequestEntriesStream cannot decode snapshot chunks). This test is about the log itself.
    private const string Settings = "raft-runner.storage.snapshot-interval = 1000000\n";

    [Fact]
    public async Task ZmqRaftClient_load_on_three_nodes_commits_each_update_once_at_its_acknowledged_index_and_every_view_of_the_log_agrees()
    {
        Assert.True(Directory.Exists(zmqRaft.PackagePath));
        using var cluster = await ClusterProcesses.StartAsync(3, Secret, Settings);
        var script = Path.Combine(RepositoryPaths.NodeScripts, "cluster-load.js");
        string[] args = [script, Secret, Updates.ToString(CultureInfo.InvariantCulture), Concurrency.ToString(CultureInfo.InvariantCulture), .. cluster.Urls];
        var (exitCode, stdout, stderr) = await Task.Run(() => ChildProcess.Run("node", args, TimeSpan.FromSeconds(55)));
        var lastLine = stdout.Trim().Split('\n')[^1];
        Assert.True(exitCode == 0, $"cluster-load.js exited with {exitCode}: {Shorten(lastLine)} {stderr}\n{cluster.Logs()}");

        using var document = JsonDocument.Parse(lastLine);
        var root = document.RootElement;
        var why = $"\n{cluster.Logs()}";

        // RequestConfig: the three peers and a leader among them.
        var config = root.GetProperty("config");
        Assert.True(config.GetProperty("isLeader").GetBoolean());
        var leaderId = config.GetProperty("leaderId").GetString();
        Assert.Contains(leaderId, cluster.Ids);
        var peers = config.GetProperty("peers").EnumerateArray().Select(p => (p[0].GetString(), p[1].GetString())).Order().ToList();
        Assert.Equal(cluster.Ids.Zip(cluster.Urls, (id, url) => ((string?)id, (string?)url)).Order().ToList(), peers);

        // The log as RequestEntries streams it from index 0: contiguous from 1.
        var stream = root.GetProperty("stream").EnumerateArray()
            .Select(e => new Entry(e[0].GetInt64(), e[1].GetInt32(), e[2].GetString()!, e[3].GetString()!)).ToList();
        Assert.NotEmpty(stream);
        var lastIndex = stream[^1].Index;
        for (var k = 0; k < stream.Count; k++)
            Assert.True(stream[k].Index == k + 1, $"the streamed log is not contiguous from 1: entry #{k} has index {stream[k].Index}");
        Assert.All(stream, e => Assert.True(e.Type is 0 or 1 or 2, $"entry {e.Index} has type {e.Type}"));
        var idCounts = stream.Where(e => e.Type == 0).GroupBy(e => e.RequestId).ToDictionary(g => g.Key, g => g.Count());
        var twice = idCounts.Where(c => c.Value > 1).Select(c => c.Key).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} request ids were committed more than once (first: {twice.FirstOrDefault()}){why}");

        // Every acknowledged index is unique, and the entry there carries that request's id and data.
        var updates = root.GetProperty("updates").EnumerateArray()
            .Select(u => (Id: u[0].GetString()!, Data: u[1].GetString()!, Index: u[2].GetInt64())).ToList();
        Assert.Equal(Updates, updates.Count);
        var sharedIndexes = updates.GroupBy(u => u.Index).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(sharedIndexes.Count == 0, $"{sharedIndexes.Count} indexes were acknowledged to more than one update (first: {sharedIndexes.FirstOrDefault()})");
        foreach (var (id, data, index) in updates)
        {
            Assert.True(index >= 1 && index <= lastIndex, $"update {data} ({id}) was acknowledged at {index}, outside the streamed log 1..{lastIndex}");
            var entry = stream[(int)(index - 1)];
            Assert.True(entry.Type == 0 && entry.RequestId == id && entry.Data == data,
                $"update {data} ({id}) was acknowledged at {index}, but the log holds {entry} there");
        }
        // ... and the log holds nothing else but checkpoint and config entries.
        Assert.Equal(Updates, stream.Count(e => e.Type == 0));

        // A repeated request id answers the original index and is committed once.
        var repeat = root.GetProperty("repeat");
        var repeatedId = repeat.GetProperty("id").GetString()!;
        Assert.Equal(repeat.GetProperty("firstIndex").GetInt64(), repeat.GetProperty("index").GetInt64());
        Assert.Equal(1, stream.Count(e => e.RequestId == repeatedId));

        // RequestLogInfo of every peer, after the load: one leader, the same term, commit and last index, which
        // are the stream's.
        var infos = root.GetProperty("logInfos").EnumerateArray().ToList();
        Assert.Equal(cluster.Urls.Order(), infos.Select(i => i.GetProperty("url").GetString()!).Order());
        var summary = string.Join("; ", infos.Select(i => i.GetRawText()));
        Assert.Single(infos, i => i.GetProperty("isLeader").GetBoolean());
        Assert.All(infos, i =>
        {
            Assert.True(i.GetProperty("leaderId").GetString() == leaderId, $"the peers disagree on the leader: {summary}");
            Assert.True(i.GetProperty("currentTerm").GetInt64() == infos[0].GetProperty("currentTerm").GetInt64(), $"the peers disagree on the term: {summary}");
            Assert.True(i.GetProperty("commitIndex").GetInt64() == lastIndex && i.GetProperty("lastIndex").GetInt64() == lastIndex,
                $"a peer's commitIndex/lastIndex differ from the streamed log's last index {lastIndex}: {summary}");
            Assert.True(i.GetProperty("firstIndex").GetInt64() == 1, $"a peer's log does not start at 1: {summary}");
        });

        // The subscriber, started before the load, emitted every entry 1..lastIndex once, in order, as streamed.
        var seen = root.GetProperty("subscriber").EnumerateArray()
            .Select(e => (Index: e[0].GetInt64(), Type: e[1].ToString(), RequestId: e[2].GetString())).ToList();
        Assert.True(seen.Count >= lastIndex, $"the subscriber emitted {seen.Count} entries, the log has {lastIndex}");
        for (var k = 0; k < lastIndex; k++)
        {
            var expected = stream[k];
            Assert.True(seen[k].Index == expected.Index, $"the subscriber's entry #{k} has index {seen[k].Index}, not {expected.Index}");
            Assert.True(seen[k].Type == expected.Type.ToString(CultureInfo.InvariantCulture) && seen[k].RequestId == expected.RequestId,
                $"the subscriber's entry {seen[k].Index} ({seen[k].Type}, {seen[k].RequestId}) is not the log's {expected}");
        }
        Assert.True(seen.Skip((int)lastIndex).All(e => e.Index > lastIndex), "the subscriber emitted an entry again after the last index");

        var timings = root.GetProperty("timings");
        var loadMs = timings.GetProperty("loadMs").GetDouble();
        output.WriteLine($"nodes {cluster.Peers} (started on attempt {cluster.Attempt})");
        output.WriteLine($"leader {leaderId}; {Updates:N0} RequestUpdate at concurrency {Concurrency} in {loadMs:N0} ms = {Updates / (loadMs / 1000):N0} updates/s");
        output.WriteLine($"log 1..{lastIndex} ({stream.Count(e => e.Type != 0)} config/checkpoint entries); RequestEntries from 0 in {timings.GetProperty("streamMs").GetDouble():N0} ms"
            + $" = {stream.Count / Math.Max(timings.GetProperty("streamMs").GetDouble(), 1) * 1000:N0} entries/s");
        output.WriteLine($"RequestConfig (leader found) in {timings.GetProperty("configMs").GetDouble():N0} ms; log infos settled after {root.GetProperty("logInfoAttempts").GetInt32()} round(s);"
            + $" the subscriber ({root.GetProperty("subscriberUrl").GetString()}) was {timings.GetProperty("subscriberCatchUpMs").GetDouble():N0} ms behind the stream");
    }

    private static string Shorten(string text) => text.Length <= 4000 ? text : text[..4000] + "…";

    private sealed record Entry(long Index, int Type, string RequestId, string Data)
    {
        public override string ToString() => $"entry {Index} (type {Type}, id {RequestId}, data {(Type == 0 ? Data : "…")})";
    }
}
