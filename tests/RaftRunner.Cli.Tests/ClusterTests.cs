using System.Text.Json;

namespace RaftRunner.Cli.Tests;

/// <summary>config, bench and log against a three-node cluster of raft-runner node processes (with a secret).</summary>
public sealed class ClusterTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private string[] Tool(params string[] args) => [.. args, "--peers", cluster.Urls, "--secret", ThreeNodeCluster.Secret];

    [Fact]
    public void Config_show_prints_the_peers_and_the_leader_as_a_table_or_JSON()
    {
        var text = RaftRunnerCli.Run(Tool("config", "show"));
        text.AssertOk();
        Assert.StartsWith("leader: n", text.StdoutLines[0], StringComparison.Ordinal);
        Assert.StartsWith("ID", text.StdoutLines[1], StringComparison.Ordinal);
        Assert.Equal(3, text.StdoutLines.Count(l => l.StartsWith('n') && l.Contains("tcp://127.0.0.1:", StringComparison.Ordinal)));
        Assert.Single(text.StdoutLines, l => l.Contains(" leader ", StringComparison.Ordinal));

        var json = RaftRunnerCli.Run(Tool("config", "show", "--json"));
        json.AssertOk();
        var root = JsonDocument.Parse(json.StdoutLines[^1]).RootElement;
        var peers = root.GetProperty("peers").EnumerateArray().ToList();
        Assert.Equal(["n1", "n2", "n3"], peers.Select(p => p.GetProperty("id").GetString()).Order());
        Assert.Contains(root.GetProperty("leader").GetString(), peers.Select(p => p.GetProperty("id").GetString()));
        Assert.All(peers, p => Assert.True(p.GetProperty("answered").GetBoolean()));
        Assert.Single(peers, p => p.GetProperty("leader").GetBoolean());
    }

    [Fact]
    public void Config_add_and_remove_change_the_membership_and_refuse_what_makes_no_sense()
    {
        var n4 = $"tcp://127.0.0.1:{RaftRunnerCli.Port(FreePort.Next())}";
        var added = RaftRunnerCli.Run(Tool("config", "add", $"n4={n4}", "--json"));
        added.AssertOk();
        var change = JsonDocument.Parse(added.StdoutLines[^1]).RootElement;
        Assert.Equal("add", change.GetProperty("change").GetString());
        var joint = change.GetProperty("joint_index").GetInt64();
        Assert.True(change.GetProperty("final_index").GetInt64() > joint, added.ToString());
        Assert.Contains(change.GetProperty("peers").EnumerateArray(), p => p.GetProperty("id").GetString() == "n4" && p.GetProperty("url").GetString() == n4);

        var shown = RaftRunnerCli.Run(Tool("config", "show"));
        shown.AssertOk();
        Assert.Contains(shown.StdoutLines, l => l.StartsWith("n4 ", StringComparison.Ordinal) && l.Contains("no answer", StringComparison.Ordinal));

        RaftRunnerCli.Run(Tool("config", "add", $"n4={n4}")).AssertBadArgument("peer id 'n4' is already in the cluster");
        RaftRunnerCli.Run(Tool("config", "add", $"n5={n4}")).AssertBadArgument($"url {n4} belongs to peer 'n4'");
        RaftRunnerCli.Run(Tool("config", "remove", "n9")).AssertBadArgument("peer id 'n9' is not in the cluster");

        var removed = RaftRunnerCli.Run(Tool("config", "remove", "n4"));
        removed.AssertOk();
        Assert.StartsWith("removed n4: joint configuration at index ", removed.StdoutLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("n4=", removed.StdoutLines[^1], StringComparison.Ordinal);

        var after = JsonDocument.Parse(RaftRunnerCli.Run(Tool("config", "show", "--json")).StdoutLines[^1]).RootElement;
        Assert.Equal(["n1", "n2", "n3"], after.GetProperty("peers").EnumerateArray().Select(p => p.GetProperty("id").GetString()).Order());
    }

    [Fact]
    public void Bench_with_json_ends_with_the_result_line()
    {
        var result = RaftRunnerCli.Run(Tool("bench", "--total", "2000", "--concurrency", "32", "--size", "100", "--warmup", "100", "--json"), TimeSpan.FromSeconds(60));
        result.AssertOk();
        var last = JsonDocument.Parse(result.StdoutLines[^1]).RootElement;
        Assert.Equal(2000, last.GetProperty("done").GetInt64());
        Assert.Equal(0, last.GetProperty("failed").GetInt64());
        Assert.True(last.GetProperty("ops_per_s").GetDouble() > 0);
        var p50 = last.GetProperty("p50_ms").GetDouble();
        var p99 = last.GetProperty("p99_ms").GetDouble();
        Assert.True(p50 > 0 && p50 <= p99 && p99 <= last.GetProperty("max_ms").GetDouble(), result.StdoutLines[^1]);
        Assert.Single(result.StdoutLines); // with --json, stdout is the result line alone; progress went to stderr
        Assert.Contains("bench:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_inspect_and_dump_read_a_data_directory_the_cluster_wrote_without_changing_it()
    {
        RaftRunnerCli.Run(Tool("bench", "--total", "300", "--concurrency", "8", "--size", "50", "--warmup", "0")).AssertOk();
        var copy = cluster.Scratch("copy-" + Guid.NewGuid().ToString("N")[..8]);
        DirectoryState.Copy(cluster.DataDirectory(0), copy);
        var before = DirectoryState.Of(copy);

        var text = RaftRunnerCli.Run("log", "inspect", copy);
        text.AssertOk();
        Assert.Contains(text.StdoutLines, l => l.StartsWith("raft.pers: ", StringComparison.Ordinal));
        Assert.Contains(text.StdoutLines, l => l.StartsWith("log: ", StringComparison.Ordinal));
        Assert.Contains(text.StdoutLines, l => l.StartsWith("snap: ", StringComparison.Ordinal));
        Assert.Contains(text.StdoutLines, l => l.StartsWith("configuration in force: ", StringComparison.Ordinal));

        var json = RaftRunnerCli.Run("log", "inspect", copy, "--json");
        json.AssertOk();
        var report = JsonDocument.Parse(json.StdoutLines[^1]).RootElement;
        var log = report.GetProperty("log");
        var first = log.GetProperty("first_index").GetInt64();
        var last = log.GetProperty("last_index").GetInt64();
        Assert.True(last >= 300, json.Stdout);
        Assert.True(report.GetProperty("raft").GetProperty("current_term").GetInt64() >= 1);
        Assert.NotEmpty(log.GetProperty("files").EnumerateArray());
        Assert.True(log.GetProperty("prune_index").GetInt64() <= last);
        Assert.Empty(report.GetProperty("problems").EnumerateArray());

        var dump = RaftRunnerCli.Run("log", "dump", copy);
        dump.AssertOk();
        var lines = dump.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(last - first + 1, lines.Count);
        Assert.Equal(Enumerable.Range(0, lines.Count).Select(i => first + i), lines.Select(l => l.GetProperty("index").GetInt64()));
        var set = lines.Last(l => l.GetProperty("type").GetString() == "state");
        Assert.Equal(24, set.GetProperty("requestId").GetString()!.Length);
        Assert.Equal(set.GetProperty("size").GetInt32(), Convert.FromBase64String(set.GetProperty("data").GetString()!).Length);
        var kv = set.GetProperty("kv");
        Assert.Equal("set", kv.GetProperty("op").GetString());
        Assert.StartsWith("bench-", kv.GetProperty("key").GetString(), StringComparison.Ordinal);
        Assert.Equal(50, kv.GetProperty("value_size").GetInt32());

        var range = RaftRunnerCli.Run("log", "dump", copy, "--from", (last - 4).ToString(System.Globalization.CultureInfo.InvariantCulture), "--to", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        range.AssertOk();
        Assert.Equal(5, range.StdoutLines.Length);

        before.AssertSame(DirectoryState.Of(copy), "the data directory");
    }

    [Fact]
    public void A_wrong_secret_is_one_line_naming_peers_and_secret_for_config_and_bench()
    {
        var commands = new[] { new[] { "config", "show" }, ["config", "add", "n7=tcp://127.0.0.1:2"], ["config", "remove", "n1"], ["bench", "--total", "10"] };
        var results = commands.AsParallel().WithDegreeOfParallelism(commands.Length)
            .Select(command => RaftRunnerCli.Run([.. command, "--peers", cluster.Urls, "--secret", "wrong", "--timeout", "2"])).ToList();
        foreach (var result in results)
        {
            result.AssertBadArgument("no peer answered with secret 'wrong' within 2 s");
            Assert.Contains("stay silent", result.StderrLines[0], StringComparison.Ordinal);
            Assert.Contains("check --peers and --secret", result.StderrLines[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_joining_node_with_a_wrong_secret_is_one_line_and_writes_nothing()
    {
        var ports = FreePort.Distinct(4);
        var fresh = cluster.Scratch("joiner-" + Guid.NewGuid().ToString("N")[..8]);
        var empty = cluster.Scratch("empty-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(empty);
        var before = DirectoryState.Of(empty);
        // A node that is not in --peers and has no state joins: both wait for an answer at once.
        var results = new[] { (Data: fresh, Port: ports[0], Pub: ports[1]), (Data: empty, Port: ports[2], Pub: ports[3]) }.AsParallel().WithDegreeOfParallelism(2)
            .Select(x => RaftRunnerCli.Run(
                ["node", "--id", "n9", "--port", RaftRunnerCli.Port(x.Port), "--pub", RaftRunnerCli.Port(x.Pub), "--data", x.Data,
                 "--peers", cluster.Peers, "--www", "off", "--secret", "wrong"],
                TimeSpan.FromSeconds(30)))
            .ToList();
        foreach (var result in results)
        {
            result.AssertBadArgument("no peer answered with secret 'wrong'");
            Assert.Contains("check --peers and --secret", result.StderrLines[0], StringComparison.Ordinal);
            Assert.DoesNotContain("starting", result.Stdout, StringComparison.Ordinal); // it never started
        }
        Assert.False(Directory.Exists(fresh));
        before.AssertSame(DirectoryState.Of(empty), "the empty data directory");
    }
}
