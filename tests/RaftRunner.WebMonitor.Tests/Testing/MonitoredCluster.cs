using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node;
using RaftRunner.Node.Peer;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;

namespace RaftRunner.WebMonitor.Tests.Testing;

/// <summary>
/// A cluster of nodes in this process, each in its own ActorSystem with a RaftRunnerActor and its web monitor,
/// talking over real ZeroMQ on 127.0.0.1; node i listens on a free port and its monitor on another (given to the node
/// as its www url, which it tells peers that ask with 'W').
/// </summary>
internal sealed class MonitoredCluster : IAsyncDisposable
{
    public static readonly byte[] Secret = "monitor-test"u8.ToArray();

    private readonly string _root = Path.Combine(Path.GetTempPath(), "rr-webmonitor-" + Guid.NewGuid().ToString("N"));
    private readonly List<Member> _members = [];
    private readonly ILoggerFactory? _loggers;

    private MonitoredCluster(ILoggerFactory? loggers) => _loggers = loggers;

    public IReadOnlyList<Member> Members => _members;

    public Member this[string id] => _members.Single(m => m.Id == id);

    /// <summary>Starts <paramref name="size"/> nodes (n1, n2, …) with a monitor each; <paramref name="configure"/> adjusts each node's settings.</summary>
    public static async Task<MonitoredCluster> StartAsync(int size = 3, Func<NodeSettings, NodeSettings>? configure = null, Func<WebMonitorOptions, WebMonitorOptions>? monitor = null)
    {
        // RAFTRUNNER_TEST_LOG=1 shows the nodes' and monitors' logs on the console (for a failing test).
        var loggers = Environment.GetEnvironmentVariable("RAFTRUNNER_TEST_LOG") == "1"
            ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug))
            : null;
        var cluster = new MonitoredCluster(loggers);
        try
        {
            var ports = FreePort.Distinct(size * 2);
            var peers = Enumerable.Range(0, size).Select(i => new PeerInfo($"n{i + 1}", $"tcp://127.0.0.1:{ports[i * 2]}")).ToArray();
            foreach (var (peer, i) in peers.Select((p, i) => (p, i)))
            {
                var www = $"http://127.0.0.1:{ports[i * 2 + 1]}";
                var settings = new NodeSettings
                {
                    NodeId = peer.Id,
                    Url = peer.Url,
                    BindUrl = peer.Url,
                    WebMonitorUrl = www,
                    DataDirectory = Path.Combine(cluster._root, peer.Id),
                    Secret = Secret,
                    Peers = peers,
                    SnapshotInterval = 0,
                };
                settings = configure?.Invoke(settings) ?? settings;
                var system = loggers is null ? ActorSystem.Create(peer.Id) : ActorSystem.Create(peer.Id, options: new ActorSystemOptions { LoggerFactory = loggers });
                var node = system.ActorOf(RaftRunnerActor.Props(settings, new KeyValueStateMachine()), "raft");
                var member = new Member(peer.Id, settings, system, node);
                cluster._members.Add(member);
                var options = new WebMonitorOptions { Url = www, Node = node, NodeSettings = settings, LoggerFactory = loggers, Label = "test cluster" };
                member.Monitor = await WebMonitorHost.StartAsync(monitor?.Invoke(options) ?? options);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sets a key through node <paramref name="id"/> (its actor, not the monitor); the committed index.</summary>
    public async Task<long> SetAsync(string id, string key, string value)
    {
        var answer = await this[id].Node.Ask<object>(new ChangeStateMachine(KeyValueCommands.Set(key, value)), TimeSpan.FromSeconds(20));
        return answer is ChangeApplied applied ? applied.Index : throw new InvalidOperationException($"set {key} failed: {answer}");
    }

    public Task<NodeStatus> NodeStatusAsync(string id) => this[id].Node.Ask<NodeStatus>(GetNodeStatus.Instance, TimeSpan.FromSeconds(5));

    /// <summary>Stops node <paramref name="id"/> (its monitor first, then its actor system).</summary>
    public async Task StopAsync(string id)
    {
        var member = this[id];
        if (member.Monitor is { } monitor)
            await monitor.DisposeAsync();
        member.Monitor = null;
        await member.System.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            if (member.Monitor is { } monitor)
                await monitor.DisposeAsync();
            member.Monitor = null;
        }
        foreach (var member in _members)
            await member.System.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        _loggers?.Dispose();
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    internal sealed class Member(string id, NodeSettings settings, ActorSystem system, IActorRef node)
    {
        public string Id { get; } = id;

        public NodeSettings Settings { get; } = settings;

        public ActorSystem System { get; } = system;

        public IActorRef Node { get; } = node;

        public WebMonitorHost? Monitor { get; set; }

        public string WebUrl => Settings.WebMonitorUrl!;
    }
}

/// <summary>Reading the monitor over HTTP.</summary>
internal static class MonitorHttp
{
    public static HttpClient Client(string baseUrl) => new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<JsonElement> StatusAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/status", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Reads /status until <paramref name="condition"/> holds (at most <paramref name="within"/>); the status that met it.</summary>
    public static async Task<JsonElement> StatusWhenAsync(HttpClient http, Func<JsonElement, bool> condition, TimeSpan? within = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        JsonElement status = default;
        while (DateTime.UtcNow < deadline)
        {
            status = await StatusAsync(http);
            if (condition(status))
                return status;
            await Task.Delay(100);
        }
        throw new TimeoutException($"/status never showed {what ?? "what was waited for"}; last: {status}");
    }

    /// <summary>Three peers (or <paramref name="count"/>), all reachable, exactly one leader, every peer's www url known, lag 0.</summary>
    public static bool Settled(JsonElement status, int count = 3)
    {
        var peers = status.GetProperty("peers").EnumerateArray().ToArray();
        return peers.Length == count
            && peers.All(p => p.GetProperty("reachable").GetBoolean())
            && peers.Count(p => p.GetProperty("isLeader").GetBoolean()) == 1
            && status.GetProperty("leaderId").ValueKind == JsonValueKind.String
            && peers.All(p => p.GetProperty("www").ValueKind == JsonValueKind.String)
            && peers.All(p => p.GetProperty("lag").ValueKind == JsonValueKind.Number && p.GetProperty("lag").GetInt64() == 0);
    }
}
