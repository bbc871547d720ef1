using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node.Peer;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.Node.Tests.Cluster;

/// <summary>
/// Several nodes in one process, each in its own ActorSystem with a RaftRunnerActor, talking over real ZeroMQ on
/// 127.0.0.1. A node can be stopped (its system terminated: a clean stop) and started again on its data.
/// </summary>
internal sealed class NodeCluster : IAsyncDisposable
{
    public static readonly byte[] Secret = "cluster-test"u8.ToArray();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rr-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, (ActorSystem System, IActorRef Node, IStateMachine StateMachine)> _running = [];

    public NodeCluster(int size, Func<NodeSettings, NodeSettings>? configure = null, int spares = 0)
    {
        var ports = Enumerable.Range(0, size + spares).Select(_ => FreePort()).ToArray();
        AllPeers = ports.Select((p, i) => new PeerInfo($"n{i + 1}", $"tcp://127.0.0.1:{p}")).ToArray();
        Seed = AllPeers.Take(size).ToArray();
        Configure = configure ?? (s => s);
    }

    public IReadOnlyList<PeerInfo> AllPeers { get; }

    /// <summary>The configuration the cluster starts with (spares are outside it).</summary>
    public IReadOnlyList<PeerInfo> Seed { get; }

    public Func<NodeSettings, NodeSettings> Configure { get; }

    public WireClient Client { get; } = new(Secret);

    public IEnumerable<string> Running => _running.Keys;

    public string UrlOf(string id) => AllPeers.Single(p => p.Id == id).Url;

    public string DataOf(string id) => Path.Combine(_root, id);

    public KeyValueStateMachine StateMachineOf(string id) => (KeyValueStateMachine)_running[id].StateMachine;

    /// <summary>The state machine a node gets when it starts (default: a new key-value machine).</summary>
    public Func<string, IStateMachine> Machines { get; init; } = _ => new KeyValueStateMachine();

    public IActorRef NodeOf(string id) => _running[id].Node;

    public ActorSystem SystemOf(string id) => _running[id].System;

    public void Start(string id, IReadOnlyList<PeerInfo>? seed = null)
    {
        var settings = Configure(new NodeSettings
        {
            NodeId = id,
            Url = UrlOf(id),
            BindUrl = UrlOf(id),
            DataDirectory = DataOf(id),
            Secret = Secret,
            Peers = seed ?? Seed,
            SnapshotInterval = 0,
        });
        // RAFTRUNNER_TEST_LOG=1 shows the nodes' logs on the console (for a failing test).
            var system = Environment.GetEnvironmentVariable("RAFTRUNNER_TEST_LOG") == "1"
            ? ActorSystem.Create(id, options: new ActorSystemOptions { LoggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true)) })
            : ActorSystem.Create(id);
        var stateMachine = Machines(id);
        var node = system.ActorOf(RaftRunnerActor.Props(settings, stateMachine), "raft");
        _running[id] = (system, node, stateMachine);
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

    /// <summary>An update through the wire to whoever leads, retried (same request id) until it is confirmed.</summary>
    public async Task<long> UpdateAsync(RequestId id, ReadOnlyMemory<byte> data, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var leader = await LeaderAsync(deadline - DateTime.UtcNow);
            var answer = await Task.Run(() => Client.Update(UrlOf(leader), id, data, TimeSpan.FromSeconds(2)));
            if (answer is { Outcome: Protocol.Messages.RequestUpdateOutcome.Committed } done)
                return (long)done.Index;
            await Task.Delay(20);
        }
        throw new TimeoutException($"update {id} was not confirmed");
    }

    /// <summary>Waits until every running node has applied <paramref name="index"/>.</summary>
    public async Task AllAppliedAsync(long index, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var statuses = await Task.WhenAll(_running.Keys.Select(StatusAsync));
            if (statuses.All(s => s.LastApplied >= index))
                return;
            await Task.Delay(20);
        }
        var last = await Task.WhenAll(_running.Keys.Select(StatusAsync));
        throw new TimeoutException($"not every node applied {index}: {string.Join(", ", last.Select(s => $"{s.NodeId}={s.LastApplied}"))}");
    }

    /// <summary>A free port below the ephemeral range (tests/Shared/FreePort.cs says why).</summary>
    public static int FreePort() => RaftRunner.Testing.FreePort.Next();

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _running.Keys.ToArray())
            await StopAsync(id);
        Client.Dispose();
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
