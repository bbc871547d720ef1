using System.Globalization;
using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node;
using RaftRunner.Node.Peer;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.WebMonitor;

namespace RaftRunner.Cli;

/// <summary>
/// The demo's three nodes in this process, each in its own actor system with the key-value machine and its web
/// monitor, as three <c>raft-runner node</c> processes would run them. A node can be stopped and started again on its data.
/// </summary>
internal sealed class DemoCluster : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly Dictionary<string, (ActorSystem System, IActorRef Node, KeyValueStateMachine Machine, WebMonitorHost Monitor)> _running = [];
    private string? _lastLeader;

    public DemoCluster(string root, int basePort, ILoggerFactory loggers)
    {
        Root = root;
        _loggers = loggers;
        Peers = [.. Enumerable.Range(0, 3).Select(i => new PeerInfo((i + 1).ToString(CultureInfo.InvariantCulture), $"tcp://127.0.0.1:{basePort + 10 * i}"))];
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
    }

    public string Root { get; }

    public IReadOnlyList<PeerInfo> Peers { get; }

    public int LeaderChanges { get; private set; }

    public string MonitorUrl(int node) => $"http://localhost:{new Uri(Peers[node - 1].Url).Port + 1}";

    public async Task StartAllAsync()
    {
        foreach (var peer in Peers)
            await StartAsync(peer.Id);
    }

    public async Task StartAsync(string id)
    {
        var url = Peers.Single(p => p.Id == id).Url;
        var port = new Uri(url).Port;
        var settings = new NodeSettings
        {
            NodeId = id,
            Url = url,
            BindUrl = url,
            PubBindUrl = $"tcp://127.0.0.1:{port + 2}",
            PubUrl = $"tcp://127.0.0.1:{port + 2}",
            WebMonitorUrl = $"http://127.0.0.1:{port + 1}",
            DataDirectory = Path.Combine(Root, id),
            Peers = Peers,
            SnapshotInterval = 1000,
        };
        var system = ActorSystem.Create($"demo-{id}", options: new ActorSystemOptions { LoggerFactory = _loggers });
        var machine = new KeyValueStateMachine();
        var node = system.ActorOf(RaftRunnerActor.Props(settings, machine), "raft");
        try
        {
            var monitor = await WebMonitorHost.StartAsync(new WebMonitorOptions
            {
                Url = $"http://127.0.0.1:{port + 1}",
                Node = node,
                NodeSettings = settings,
                LoggerFactory = _loggers,
                Label = "raft-runner demo",
                PeerWebUrls = Peers.ToDictionary(p => p.Id, p => $"http://localhost:{new Uri(p.Url).Port + 1}"),
            });
            _running[id] = (system, node, machine, monitor);
        }
        catch (WebMonitorBindException e)
        {
            await system.Terminate();
            throw new BadArgumentException($"{e.Message} (another demo or walkthrough running? --base-port picks other ports)");
        }
    }

    public async Task StopAsync(string id)
    {
        if (!_running.Remove(id, out var node))
            return;
        await node.Monitor.DisposeAsync();
        await node.System.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits until one running node leads and the others follow it; counts leader changes on the way.</summary>
    public async Task<string> LeaderAsync(TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            var statuses = await StatusesAsync();
            var leaders = statuses.Where(s => s.Status?.Role == RaftRole.Leader).ToArray();
            if (leaders.Length == 1 && statuses.All(s => s.Status?.LeaderId == leaders[0].Id))
            {
                if (_lastLeader != leaders[0].Id)
                {
                    LeaderChanges += _lastLeader is null ? 0 : 1;
                    _lastLeader = leaders[0].Id;
                }
                return leaders[0].Id;
            }
            await Task.Delay(50, ct);
        }
        throw new CommandFailedException($"no leader among nodes {string.Join(", ", _running.Keys)} within {within.TotalSeconds:0} s");
    }

    /// <summary>Waits until every node has applied the leader's commit index; returns each node's status and state hash.</summary>
    public async Task<IReadOnlyList<(string Id, NodeStatus Status, string Hash)>> AllAppliedAsync(TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var statuses = await StatusesAsync();
            var commit = statuses.Max(s => s.Status?.CommitIndex ?? 0);
            if (statuses.All(s => s.Status is { } status && status.LastApplied >= commit && status.Role != RaftRole.Candidate))
                return [.. statuses.Select(s => (s.Id, s.Status!, _running[s.Id].Machine.StateHash()))];
            if (DateTime.UtcNow > deadline)
                throw new CommandFailedException($"the nodes did not all apply index {commit} within {within.TotalSeconds:0} s");
            await Task.Delay(100, ct);
        }
    }

    private async Task<(string Id, NodeStatus? Status)[]> StatusesAsync() =>
        await Task.WhenAll(_running.Select(async r =>
        {
            try
            {
                return (r.Key, (NodeStatus?)await r.Value.Node.Ask<NodeStatus>(GetNodeStatus.Instance, TimeSpan.FromSeconds(2)));
            }
            catch (Exception e) when (e is AskTimeoutException or RecipientTerminatedException)
            {
                return (r.Key, (NodeStatus?)null);
            }
        }));

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _running.Keys.ToArray())
            await StopAsync(id);
    }
}
