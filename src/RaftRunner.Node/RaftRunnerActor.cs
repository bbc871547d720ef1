using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node.Applying;
using RaftRunner.Node.Bridge;
using RaftRunner.Node.Peer;
using RaftRunner.Node.Snapshots;
using RaftRunner.Node.StateMachines;
using RaftRunner.Node.Storage;
using RaftRunner.Raft;
using RaftRunner.Storage.Log;

namespace RaftRunner.Node;

/// <summary>
/// The actor a user spawns (DESIGN.md "What a user does"): opens the data directory and creates, supervises and
/// wires the node's actors — the ZeroMQ bridge, the Raft peer, the log writer, the snapshot manager and the
/// state-machine applier. The
/// bridge reports to this actor, which passes peer and client traffic to the Raft peer; status and role-change
/// subscriptions are answered by the peer.
/// Supervision: the log writer and the applier are restarted (the log writer's jobs are idempotent and re-queued);
/// a Raft safety breach (<see cref="RaftFatalException"/>) or a storage failure stops the whole node, as zmq-raft
/// panics, rather than run on with state it cannot trust.
/// </summary>
public sealed class RaftRunnerActor : ReceiveActor, IWithStash
{
    private readonly NodeSettings _settings;
    private readonly IStateMachine _stateMachine;
    private readonly ILogger _log;
    private NodeStorage? _storage;
    private IActorRef _peer = ActorRefs.Nobody;
    private string? _stopReason;

    public RaftRunnerActor(NodeSettings settings, IStateMachine stateMachine)
    {
        _settings = settings;
        _stateMachine = stateMachine;
        _log = Context.GetLogger();
        Receive<PeerRequestReceived>(m => _peer.Forward(m));
        Receive<PeerResponseReceived>(m => _peer.Forward(m));
        Receive<ClientRequestReceived>(m => _peer.Forward(m));
        Receive<GetNodeStatus>(m => _peer.Forward(m));
        Receive<SubscribeRoleChanges>(m => _peer.Forward(m));
        Receive<ChangeStateMachine>(m => _peer.Forward(m));
        Receive<QueryState>(m => _peer.Forward(m));
        Receive<LeaveCluster>(_ => Leave());
        Receive<Terminated>(t =>
        {
            // A part of the node stopped for good (the bridge could not bind its port, a child failed too often):
            // a node without it would look alive and do nothing, so the whole node stops, visibly.
            _log.LogCritical("the node's {Child} stopped; node {Id} stops", t.Actor.Path.Name, _settings.NodeId);
            StopBecause($"the node's {t.Actor.Path.Name} stopped (see the log for why)");
        });
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(NodeSettings settings, IStateMachine stateMachine) =>
        Actors.Props.Create(() => new RaftRunnerActor(settings, stateMachine));

    protected override void PreStart()
    {
        var me = _settings.NodeId;
        if (_settings.Peers.Any(p => p.Id == me))
            StartNode(_settings.Peers); // a member of the cluster it is given
        else if (File.Exists(Path.Combine(_settings.DataDirectory, NodeStorage.RaftFileName)))
        {
            // It has its own state (a join survives restarts): it runs on it, and when the configuration it knows
            // leaves it out (stopped before it was added, or it left), it asks to be added again.
            StartNode(_settings.Peers);
            // Its newest configuration (the target side of a joint one: a node being removed is on the old side only).
            if (!_storage!.Membership.Configuration.Peers.Any(p => p.Id == me))
                Join(alreadyRunning: true);
        }
        else
            Join(alreadyRunning: false);
    }

    /// <summary>
    /// Dynamic join (the seed's headline feature): this node is not in the peer list it was given. It asks those
    /// peers for the cluster's configuration, starts as a CLIENT with it (so the leader's AppendEntries and
    /// InstallSnapshot reach it and it catches up), and asks the leader to add it (ConfigUpdate); it becomes a
    /// FOLLOWER when the new configuration arrives. An id already in the cluster with another url is refused.
    /// </summary>
    private void Join(bool alreadyRunning)
    {
        var self = Self;
        var me = new Protocol.PeerInfo(_settings.NodeId, _settings.Url);
        var client = new Client.RaftClient(_settings.Peers.Select(p => p.Url), new Client.RaftClientOptions { SecretBytes = _settings.Secret, Logger = _log });
        _ = Task.Run(async () =>
        {
            try
            {
                var cluster = await client.RequestConfigAsync().ConfigureAwait(false);
                foreach (var known in cluster.Peers.Where(p => p.Id == me.Id && p.Url != me.Url))
                    throw new InvalidOperationException($"cannot join: peer id {me.Id} is already in the cluster with url {known.Url}, not {me.Url}");
                if (!alreadyRunning)
                    self.Tell(new JoinDiscovered(cluster.Peers));
                if (!cluster.Peers.Any(p => p.Id == me.Id))
                {
                    var index = await client.ConfigUpdateAsync([.. cluster.Peers, me]).ConfigureAwait(false);
                    self.Tell(new JoinDone(index, null));
                }
            }
            catch (Exception e)
            {
                self.Tell(new JoinDone(0, e));
            }
            finally
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        });
        if (alreadyRunning)
            UnbecomeToRunning();
        else
            Become(Joining);
    }

    private bool Joining(object message)
    {
        switch (message)
        {
            case JoinDiscovered d:
                _log.LogInformation("node {Id} joins a cluster of {Peers}", _settings.NodeId, string.Join(", ", d.Peers.Select(p => p.Id)));
                StartNode(d.Peers);
                UnbecomeToRunning();
                Stash.UnstashAll();
                return true;
            case JoinDone { Error: { } error }:
                _log.LogCritical("node {Id} could not join: {Error}", _settings.NodeId, error.Message);
                StopBecause($"could not join: {error.Message}");
                return true;
            default:
                Stash.Stash(); // status asks, changes: answered once the node runs
                return true;
        }
    }

    private void UnbecomeToRunning() => Become(message =>
    {
        if (message is JoinDone done)
        {
            if (done.Error is { } error)
            {
                _log.LogCritical("node {Id} could not join: {Error}", _settings.NodeId, error.Message);
                StopBecause($"could not join: {error.Message}");
            }
            else
            {
                _log.LogInformation("node {Id} is added to the cluster (joint configuration at {Index})", _settings.NodeId, done.Index);
            }
            return true;
        }
        return Receive(message);
    });

    /// <summary>A ConfigUpdate without this node, through a client of the cluster (the leader may be anyone).</summary>
    private void Leave()
    {
        var replyTo = Sender;
        var me = _settings.NodeId;
        var client = new Client.RaftClient(_settings.Peers.Select(p => p.Url).Append(_settings.Url).Distinct(), new Client.RaftClientOptions { SecretBytes = _settings.Secret, Logger = _log });
        _ = Task.Run(async () =>
        {
            try
            {
                var cluster = await client.RequestConfigAsync().ConfigureAwait(false);
                var rest = cluster.Peers.Where(p => p.Id != me).ToArray();
                if (rest.Length == cluster.Peers.Count)
                {
                    replyTo.Tell(new ChangeFailed(ChangeFailure.Refused, $"cannot leave the cluster: node {me} is not in it"));
                    return;
                }
                replyTo.Tell(new LeftCluster(await client.ConfigUpdateAsync(rest).ConfigureAwait(false)));
            }
            catch (Client.ConfigUpdateRejectedException e)
            {
                replyTo.Tell(new ChangeFailed(ChangeFailure.Refused, $"cannot leave the cluster: {e.Message}"));
            }
            catch (Exception e)
            {
                replyTo.Tell(new ChangeFailed(ChangeFailure.Timeout, $"cannot leave the cluster: {e.Message}"));
            }
            finally
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        });
    }

    private sealed record JoinDiscovered(IReadOnlyList<Protocol.PeerInfo> Peers);

    private sealed record JoinDone(long Index, Exception? Error);

    private void StartNode(IReadOnlyList<Protocol.PeerInfo> initialPeers)
    {
        _storage = NodeStorage.Open(_settings.DataDirectory, initialPeers, new FileLogOptions
        {
            IndexFileCapacity = _settings.IndexFileCapacity,
            RequestIdTtl = _settings.RequestIdTtl,
            RequestIdCacheMax = _settings.RequestIdCacheMax,
        }, SnapshotEnvelope.ReadContents);
        var applier = Context.ActorOf(StateMachineApplierActor.Props(_stateMachine), "applier");
        var logWriter = Context.ActorOf(LogWriterActor.Props(_storage), "log-writer");
        var bridge = Context.ActorOf(ZmqBridgeActor.Props(new BridgeSettings
        {
            NodeId = _settings.NodeId,
            RouterBindUrl = _settings.BindUrl,
            PubBindUrl = _settings.PubBindUrl,
            Secret = _settings.Secret,
            Peers = initialPeers,
        }, Self), "bridge");
        var snapshots = Context.ActorOf(SnapshotManagerActor.Props(_storage, _settings.SnapshotInterval, applier, logWriter, _settings.PruneLogFiles), "snapshots");
        _peer = Context.ActorOf(RaftPeerActor.Props(_settings, _storage, bridge, logWriter, applier, snapshots), "peer");
        foreach (var child in new[] { applier, logWriter, bridge, snapshots, _peer })
            Context.Watch(child);
    }

    protected override SupervisorStrategy SupervisorStrategy() => new(10, TimeSpan.FromMinutes(1), e => e switch
    {
        RaftFatalException or RaftRunner.Storage.StorageException => Directive.Escalate,
        _ => Actors.SupervisorStrategy.DefaultDecider(e),
    });

    private void StopBecause(string reason)
    {
        _stopReason ??= reason;
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Publish(new NodeStopped(_settings.NodeId, _stopReason));
        _storage?.Dispose();
        _log.LogInformation("node {Id} stopped", _settings.NodeId);
    }
}
