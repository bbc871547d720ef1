namespace RaftRunner.Hocon.Tests;

/// <summary>
/// hocon/reference.conf documents every RaftRunner setting with zmq-raft's defaults; these tests pin
/// each key's type and value so the documentation cannot drift from what the code reads.
/// </summary>
public sealed class ReferenceConfTests
{
    private static readonly string ReferencePath = Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf");

    private static Config Reference(IReadOnlyDictionary<string, string>? environment = null) =>
        HoconConfig.ParseFile(ReferencePath, Hocon.Options(environment));

    [Fact]
    public void Node_settings_have_zmq_raft_defaults()
    {
        var node = Reference().GetConfig("raft-runner.node");
        Assert.Equal("local", node.GetString("id"));
        Assert.Equal("127.0.0.1", node.GetString("ip"));
        Assert.Equal(8047, node.GetInt("port"));
        Assert.Equal("*", node.GetString("bind-ip"));
        Assert.False(node.HasPath("www-port"), "expected www-port to be null (port + 1)");
        Assert.Equal(8048, node.GetInt("www-port", node.GetInt("port") + 1));
        Assert.False(node.HasPath("pub-port"), "expected pub-port to be null (port + 2)");
        Assert.Equal("tmp/local", node.GetString("data-dir"));
        Assert.False(node.GetBoolean("append-id-to-data-dir"), "expected append-id-to-data-dir off");
        Assert.Equal("", node.GetString("secret"));

        var peers = node.GetConfigList("peers");
        Assert.Single(peers);
        Assert.Equal("local", peers[0].GetString("id"));
        Assert.Equal("tcp://127.0.0.1:8047", peers[0].GetString("url"));
        Assert.Equal("http://127.0.0.1:8048", peers[0].GetString("www"));
        Assert.Equal("tcp://127.0.0.1:8049", peers[0].GetString("pub"));
    }

    [Fact]
    public void Secret_can_come_from_the_environment()
    {
        var config = Reference(new Dictionary<string, string> { ["RAFT_RUNNER_SECRET"] = "s3cret" });
        Assert.Equal("s3cret", config.GetString("raft-runner.node.secret"));
    }

    [Fact]
    public void Raft_timing_and_limits_have_zmq_raft_defaults()
    {
        var raft = Reference().GetConfig("raft-runner.raft");
        Assert.Equal(TimeSpan.FromMilliseconds(200), raft.GetTimeSpan("election-timeout-min"));
        Assert.Equal(TimeSpan.FromMilliseconds(300), raft.GetTimeSpan("election-timeout-max"));
        Assert.Equal(TimeSpan.FromMilliseconds(50), raft.GetTimeSpan("rpc-timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(70), raft.GetTimeSpan("append-entries-heartbeat-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(70), raft.GetTimeSpan("append-entries-rpc-timeout-min"));
        Assert.Equal(TimeSpan.FromMilliseconds(140), raft.GetTimeSpan("append-entries-rpc-timeout-max"));
        Assert.Equal(10_485_760L, raft.GetByteSize("max-log-entry-data-size"));
        Assert.Equal(65_536L, raft.GetByteSize("peer-msg-data-size"));
        Assert.Equal(TimeSpan.FromMilliseconds(28_800_000), raft.GetTimeSpan("request-id-ttl"));
        Assert.Equal(TimeSpan.FromMilliseconds(900_000), raft.GetTimeSpan("request-id-ttl-accept-margin"));
        Assert.False(raft.HasPath("request-id-cache-max"), "expected request-id-cache-max to be null (unbounded)");
        Assert.Equal(8000, raft.GetInt("request-entries-high-watermark"));
        Assert.Equal(TimeSpan.FromSeconds(5), raft.GetTimeSpan("request-entries-ttl"));
        Assert.Equal(5, raft.GetInt("request-entries-pipelines"));
        Assert.Equal(65_536L, raft.GetByteSize("request-entries-entry-size-limit-pipeline"));
        Assert.Equal(2, raft.GetInt("request-entries-snapshot-pipelines"));
        Assert.True(raft.GetBoolean("prevent-spiral-elections"), "expected prevent-spiral-elections on");
        Assert.Equal(TimeSpan.FromSeconds(30), raft.GetTimeSpan("change-timeout"));
    }

    [Fact]
    public void Storage_settings_have_zmq_raft_and_raftrunner_defaults()
    {
        var storage = Reference().GetConfig("raft-runner.storage");
        Assert.Equal("raft.pers", storage.GetString("raft-file"));
        Assert.Equal("log", storage.GetString("log-dir"));
        Assert.Equal("snap", storage.GetString("snapshot-file"));
        Assert.Equal("state.pers", storage.GetString("state-file"));
        Assert.Equal(16_384, storage.GetInt("log-index-file-capacity"));
        Assert.Equal(10_000, storage.GetInt("snapshot-interval"));
        Assert.True(storage.GetBoolean("prune-log-files"), "expected prune-log-files on");
        Assert.Equal("compact/snap.new", storage.GetString("compact.install"));
        Assert.True(storage.GetBoolean("compact.watch"), "expected compact.watch on");
    }

    [Fact]
    public void Broadcast_www_and_client_settings_have_zmq_raft_defaults()
    {
        var config = Reference();
        Assert.Equal("*", config.GetString("raft-runner.broadcast.bind-ip"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.GetTimeSpan("raft-runner.broadcast.heartbeat-interval"));
        Assert.True(config.GetBoolean("raft-runner.www.enable"), "expected the web monitor enabled");
        Assert.Equal("Hello World", config.GetString("raft-runner.www.label"));
        Assert.Equal("localhost", config.GetString("raft-runner.www.host"));
        Assert.Equal("::", config.GetString("raft-runner.www.bind"));
        Assert.Equal("http", config.GetString("raft-runner.www.proto"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.GetTimeSpan("raft-runner.client.response-timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(300), config.GetTimeSpan("raft-runner.client.election-grace-delay"));
    }

    [Fact]
    public void Actor_kernel_settings_have_their_defaults()
    {
        var actors = Reference().GetConfig("raft-runner.actors");
        Assert.Equal(30, actors.GetInt("mailbox-throughput"));
        Assert.Equal(TimeSpan.FromSeconds(5), actors.GetTimeSpan("ask-timeout"));
        Assert.Equal(10, actors.GetInt("supervision.max-retries"));
        Assert.Equal(TimeSpan.FromMinutes(1), actors.GetTimeSpan("supervision.within"));
        Assert.Equal(10, actors.GetInt("log-dead-letters"));
    }

    [Fact]
    public void Every_key_in_reference_conf_is_covered_by_these_tests()
    {
        // Adding a key to reference.conf without pinning it above should fail here.
        string[] expected =
        [
            "raft-runner.node.id", "raft-runner.node.ip", "raft-runner.node.port", "raft-runner.node.bind-ip",
            "raft-runner.node.www-port", "raft-runner.node.pub-port", "raft-runner.node.data-dir",
            "raft-runner.node.append-id-to-data-dir", "raft-runner.node.secret", "raft-runner.node.peers",
            "raft-runner.raft.election-timeout-min", "raft-runner.raft.election-timeout-max", "raft-runner.raft.rpc-timeout",
            "raft-runner.raft.append-entries-heartbeat-interval", "raft-runner.raft.append-entries-rpc-timeout-min",
            "raft-runner.raft.append-entries-rpc-timeout-max", "raft-runner.raft.max-log-entry-data-size",
            "raft-runner.raft.peer-msg-data-size", "raft-runner.raft.request-id-ttl", "raft-runner.raft.request-id-ttl-accept-margin",
            "raft-runner.raft.request-id-cache-max", "raft-runner.raft.request-entries-high-watermark",
            "raft-runner.raft.request-entries-ttl", "raft-runner.raft.request-entries-pipelines",
            "raft-runner.raft.request-entries-entry-size-limit-pipeline", "raft-runner.raft.request-entries-snapshot-pipelines",
            "raft-runner.raft.prevent-spiral-elections", "raft-runner.raft.change-timeout",
            "raft-runner.storage.raft-file", "raft-runner.storage.log-dir", "raft-runner.storage.snapshot-file",
            "raft-runner.storage.state-file", "raft-runner.storage.log-index-file-capacity", "raft-runner.storage.snapshot-interval",
            "raft-runner.storage.prune-log-files", "raft-runner.storage.compact.install", "raft-runner.storage.compact.watch",
            "raft-runner.broadcast.bind-ip", "raft-runner.broadcast.heartbeat-interval",
            "raft-runner.www.enable", "raft-runner.www.label", "raft-runner.www.host", "raft-runner.www.bind", "raft-runner.www.proto",
            "raft-runner.client.response-timeout", "raft-runner.client.election-grace-delay",
            "raft-runner.actors.mailbox-throughput", "raft-runner.actors.ask-timeout",
            "raft-runner.actors.supervision.max-retries", "raft-runner.actors.supervision.within", "raft-runner.actors.log-dead-letters",
        ];
        var actual = LeafPaths(Reference(), "").ToList();
        Assert.True(expected.Order().SequenceEqual(actual.Order()),
            $"expected the keys of reference.conf to be exactly the pinned ones; missing: [{string.Join(", ", expected.Except(actual))}], unpinned: [{string.Join(", ", actual.Except(expected))}]");
    }

    [Fact]
    public void A_node_file_can_include_the_reference_and_override_it()
    {
        using var dir = new TempDirectory();
        File.Copy(ReferencePath, Path.Combine(dir.Path, "reference.conf"));
        var node1 = dir.Write("node1.conf", """
            include "reference.conf"
            raft-runner.node {
              id = node1
              port = 8041
              peers = [
                { id = node1, url = "tcp://127.0.0.1:8041", www = "http://127.0.0.1:8042", pub = "tcp://127.0.0.1:8043" }
                { id = node2, url = "tcp://127.0.0.1:8051" }
              ]
            }
            raft-runner.raft.election-timeout-min = 250ms
            """);
        var config = HoconConfig.ParseFile(node1, Hocon.Options());
        Assert.Equal("node1", config.GetString("raft-runner.node.id"));
        Assert.Equal(8041, config.GetInt("raft-runner.node.port"));
        Assert.Equal(2, config.GetConfigList("raft-runner.node.peers").Count);
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("raft-runner.raft.election-timeout-min"));
        Assert.Equal(TimeSpan.FromMilliseconds(300), config.GetTimeSpan("raft-runner.raft.election-timeout-max"));
    }

    [Fact]
    public void Reference_is_a_fallback_for_a_node_file()
    {
        var node = Hocon.Parse("raft-runner.node.id = node2\nraft-runner.storage.snapshot-interval = 500");
        var config = node.WithFallback(Reference());
        Assert.Equal("node2", config.GetString("raft-runner.node.id"));
        Assert.Equal(500, config.GetInt("raft-runner.storage.snapshot-interval"));
        Assert.Equal(8047, config.GetInt("raft-runner.node.port"));
    }

    [Fact]
    public void Reference_renders_and_parses_back_unchanged()
    {
        var reference = Reference();
        Assert.Equal(reference.ToString(), Hocon.Parse(reference.ToString()).ToString());
    }

    private static IEnumerable<string> LeafPaths(Config config, string prefix)
    {
        foreach (var key in config.Keys)
        {
            var path = prefix + key;
            Config? child = null;
            if (config.HasPath(key))
            {
                try
                {
                    child = config.GetConfig(key);
                }
                catch (ConfigurationException)
                {
                    // Not an object: a leaf.
                }
            }

            if (child is null)
            {
                yield return path;
            }
            else
            {
                foreach (var leaf in LeafPaths(child, path + "."))
                {
                    yield return leaf;
                }
            }
        }
    }
}
