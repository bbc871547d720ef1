using RaftRunner.Actors;
using RaftRunner.Node;
using RaftRunner.Node.Peer;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.Client.Tests.Testing;

/// <summary>
/// RaftRunner nodes in this process (each an ActorSystem with a RaftRunnerActor and the key-value state machine),
/// talking over real ZeroMQ on 127.0.0.1, each with a broadcast PUB socket. Adapted from the node tests' cluster.
/// A node can be stopped (its system terminated) and started again on its data.
/// </summary>
internal sealed class NodeCluster : IAsyncDisposable
{
    public const string Secret = "client-test";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rr-client-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, (ActorSystem System, IActorRef Node)> _running = [];
    private readonly Dictionary<string, int> _pubPorts = [];
    private readonly Func<NodeSettings, NodeSettings> _configure;

    public NodeCluster(int size, Func<NodeSettings, NodeSettings>? configure = null, int spares = 0)
    {
        var ports = Ports.Free(2 * (size + spares));
        AllPeers = [.. Enumerable.Range(0, size + spares).Select(i => new PeerInfo($"n{i + 1}", Ports.Url(ports[2 * i])))];
        for (var i = 0; i < size + spares; i++)
            _pubPorts[$"n{i + 1}"] = ports[2 * i + 1];
        Seed = [.. AllPeers.Take(size)];
        _configure = configure ?? (s => s);
    }

    public IReadOnlyList<PeerInfo> AllPeers { get; }

    /// <summary>The configuration the cluster starts with (spares are outside it).</summary>
    public IReadOnlyList<PeerInfo> Seed { get; }

    public IEnumerable<string> Running => _running.Keys;

    public IEnumerable<string> SeedUrls => Seed.Select(p => p.Url);

    public string UrlOf(string id) => AllPeers.Single(p => p.Id == id).Url;

    public string PubUrlOf(string id) => Ports.Url(_pubPorts[id]);

    public RaftClient Client(RaftClientOptions? options = null, IEnumerable<string>? urls = null) =>
        new(urls ?? SeedUrls, (options ?? new RaftClientOptions()) with { Secret = Secret });

    /// <param name="peers">The peer list the node is given (default: the seed; a node not in it joins by itself).</param>
    public void Start(string id, IReadOnlyList<PeerInfo>? peers = null)
    {
        var settings = _configure(new NodeSettings
        {
            NodeId = id,
            Url = UrlOf(id),
            BindUrl = UrlOf(id),
            PubBindUrl = PubUrlOf(id),
            PubUrl = PubUrlOf(id),
            DataDirectory = Path.Combine(_root, id),
            Secret = System.Text.Encoding.UTF8.GetBytes(Secret),
            Peers = peers ?? Seed,
            SnapshotInterval = 0,
        });
        var system = ActorSystem.Create(id);
        var node = system.ActorOf(RaftRunnerActor.Props(settings, new KeyValueStateMachine()), "raft");
        _running[id] = (system, node);
    }

    public void StartAll()
    {
        foreach (var peer in Seed)
            Start(peer.Id);
    }

    public async Task StopAsync(string id)
    {
        if (_running.Remove(id, out var node))
            await node.System.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task<NodeStatus> StatusAsync(string id) =>
        await _running[id].Node.Ask<NodeStatus>(GetNodeStatus.Instance, TimeSpan.FromSeconds(5));

    /// <summary>Waits until exactly one running node leads and every running member follows it; returns its id.</summary>
    public async Task<string> LeaderAsync(TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            var statuses = await Task.WhenAll(_running.Keys.Select(StatusAsync));
            var leaders = statuses.Where(s => s.Role == RaftRole.Leader).ToArray();
            if (leaders.Length == 1 && statuses.Where(s => s.Role is RaftRole.Follower or RaftRole.Candidate).All(s => s.LeaderId == leaders[0].NodeId))
                return leaders[0].NodeId;
            await Task.Delay(20);
        }
        throw new TimeoutException($"no single leader among {string.Join(", ", _running.Keys)}");
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the node's status.</summary>
    public async Task<NodeStatus> WaitForAsync(string id, Func<NodeStatus, bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var status = await StatusAsync(id);
            if (condition(status))
                return status;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{id} never got there: {status}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _running.Keys.ToArray())
            await StopAsync(id);
        try
        {
            if (Directory.Exists(_root))
                Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temporary folder
        }
    }
}
