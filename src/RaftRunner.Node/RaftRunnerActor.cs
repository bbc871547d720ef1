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
public sealed class RaftRunnerActor : ReceiveActor
{
    private readonly NodeSettings _settings;
    private readonly IStateMachine _stateMachine;
    private readonly ILogger _log;
    private NodeStorage? _storage;
    private IActorRef _peer = ActorRefs.Nobody;

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
        Receive<Terminated>(t =>
        {
            // A part of the node stopped for good (the bridge could not bind its port, a child failed too often):
            // a node without it would look alive and do nothing, so the whole node stops, visibly.
            _log.LogCritical("the node's {Child} stopped; node {Id} stops", t.Actor.Path.Name, _settings.NodeId);
            Context.Stop(Self);
        });
    }

    public static Props Props(NodeSettings settings, IStateMachine stateMachine) =>
        Actors.Props.Create(() => new RaftRunnerActor(settings, stateMachine));

    protected override void PreStart()
    {
        _storage = NodeStorage.Open(_settings.DataDirectory, _settings.Peers, new FileLogOptions
        {
            IndexFileCapacity = _settings.IndexFileCapacity,
            RequestIdTtl = _settings.RequestIdTtl,
        }, SnapshotEnvelope.ReadContents);
        var applier = Context.ActorOf(StateMachineApplierActor.Props(_stateMachine), "applier");
        var logWriter = Context.ActorOf(LogWriterActor.Props(_storage), "log-writer");
        var bridge = Context.ActorOf(ZmqBridgeActor.Props(new BridgeSettings
        {
            NodeId = _settings.NodeId,
            RouterBindUrl = _settings.BindUrl,
            PubBindUrl = _settings.PubBindUrl,
            Secret = _settings.Secret,
            Peers = _settings.Peers,
        }, Self), "bridge");
        var snapshots = Context.ActorOf(SnapshotManagerActor.Props(_storage, _settings.SnapshotInterval, applier, logWriter), "snapshots");
        _peer = Context.ActorOf(RaftPeerActor.Props(_settings, _storage, bridge, logWriter, applier, snapshots), "peer");
        foreach (var child in new[] { applier, logWriter, bridge, snapshots, _peer })
            Context.Watch(child);
    }

    protected override SupervisorStrategy SupervisorStrategy() => new(10, TimeSpan.FromMinutes(1), e => e switch
    {
        RaftFatalException or RaftRunner.Storage.StorageException => Directive.Escalate,
        _ => Actors.SupervisorStrategy.DefaultDecider(e),
    });

    protected override void PostStop()
    {
        _storage?.Dispose();
        _log.LogInformation("node {Id} stopped", _settings.NodeId);
    }
}
