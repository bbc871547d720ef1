using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node.Applying;
using RaftRunner.Node.Bridge;
using RaftRunner.Node.Storage;
using RaftRunner.Raft;
using RaftRunner.Raft.Requests;

namespace RaftRunner.Node.Peer;

/// <summary>
/// Wraps the pure Raft core: feeds it peer messages, client requests and ticks, and carries out every Ready in
/// the contract's order — messages that depend on nothing go at once; the durable part goes to the log writer;
/// when it is durable (in order), the messages that promised it go out, clients are answered, committed entries
/// go to the applier, and the core is advanced. The core is the only Raft logic; this actor only moves things.
/// Partial files: lifecycle and inputs here, <c>.Ready.cs</c> (carrying out Readies), <c>.Clients.cs</c>
/// (client RPCs), <c>.Applying.cs</c> (state machine, snapshots, broadcast).
/// </summary>
public sealed partial class RaftPeerActor : ReceiveActor, IWithTimers, IWithStash
{
    private readonly NodeSettings _settings;
    private readonly NodeStorage _storage;
    private readonly IActorRef _bridge;
    private readonly IActorRef _logWriter;
    private readonly IActorRef _applier;
    private readonly IActorRef _snapshots;
    private readonly ILogger _log;
    private readonly EntriesStreamServer _entries;
    private readonly List<IActorRef> _roleSubscribers = [];
    private RaftCore _core = null!;

    public RaftPeerActor(NodeSettings settings, NodeStorage storage, IActorRef bridge, IActorRef logWriter, IActorRef applier, IActorRef snapshots)
    {
        _snapshots = snapshots;
        _settings = settings;
        _storage = storage;
        _bridge = bridge;
        _logWriter = logWriter;
        _applier = applier;
        _log = Context.GetLogger();
        _entries = new EntriesStreamServer(new EntriesStreamOptions { IndexFileCapacity = settings.IndexFileCapacity });
        Starting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(NodeSettings settings, NodeStorage storage, IActorRef bridge, IActorRef logWriter, IActorRef applier, IActorRef snapshots) =>
        Actors.Props.Create(() => new RaftPeerActor(settings, storage, bridge, logWriter, applier, snapshots));

    /// <summary>
    /// Before the core starts: the log writer finishes what an earlier incarnation of this actor gave it (so the
    /// storage the core reads is final), then the state machine's position decides where commit starts — where it
    /// already is when it is intact (this actor was restarted, the applier was not), else the snapshot restored
    /// into it. Everything else waits.
    /// </summary>
    private void Starting()
    {
        Receive<Persisted>(_ => { }); // an earlier incarnation's jobs: written (the barrier waits for them), not ours to finish
        Receive<WriteBarrierPassed>(_ => _applier.Tell(GetAppliedIndex.Instance));
        Receive<AppliedIndex>(a =>
        {
            var (index, term) = _storage.SnapshotId;
            if (!a.RestoreRequired && a.Index >= index && a.Index <= _storage.Log.LastIndex)
            {
                if (a.Index > 0)
                {
                    // Tell the applier where it stands (a durable state machine's own record) and what configuration
                    // is in force, for the snapshots it will write.
                    var membership = _storage.Membership;
                    var committed = membership.Committed ?? membership.Configuration;
                    _applier.Tell(new ResumeAt(a.Index, _storage.Reader.TermAt(a.Index) ?? 0, committed.ToEntryData(), membership.CommittedIndex));
                }
                StartCore(a.Index);
            }
            else
                _applier.Tell(new RestoreSnapshot(_storage.SnapshotPath, index, term)); // index 0: the empty state
        });
        Receive<SnapshotRestored>(r =>
        {
            _log.LogInformation("state machine restored from the snapshot at {Index}", r.Index);
            StartCore(r.Index);
        });
        Receive<SnapshotFailed>(f => throw new InvalidOperationException($"cannot restore the state machine from the snapshot: {f.Reason}"));
        ReceiveAny(_ => Stash.Stash());
    }

    protected override void PreStart() => _logWriter.Tell(WriteBarrier.Instance);

    private void StartCore(long commitIndex)
    {
        _core = new RaftCore(_settings.ToCoreOptions(), _storage.HardState, _storage.Membership, _storage.Reader, commitIndex, Random.Shared.Next());
        _nextApplyIndex = commitIndex + 1;
        _bridge.Tell(new SetPeers(_core.Configuration.AllPeers.Where(p => p.Id != _settings.NodeId).ToArray()));
        _log.LogInformation("node {Id} starts as {Role} in term {Term}, log {First}..{Last}, commit {Commit}",
            _settings.NodeId, _core.Role, _core.Term, _storage.Log.FirstIndex, _core.LastIndex, commitIndex);
        Become(Running);
        Timers.StartPeriodicTimer(TickTimer.Instance, TickTimer.Instance, _settings.Tick);
        Timers.StartPeriodicTimer(BroadcastTimer.Instance, BroadcastTimer.Instance, _settings.BroadcastHeartbeatInterval);
        Stash.UnstashAll();
        Process();
    }

    private bool Running(object message)
    {
        switch (message)
        {
            case TickTimer:
                _core.Tick();
                _entries.Tick(Environment.TickCount64);
                break;
            case PeerRequestReceived r:
                _core.Step(new PeerMessage(r.PeerId, r.Request));
                break;
            case PeerResponseReceived r:
                _core.Step(new PeerMessage(r.PeerId, r.Response));
                break;
            case ClientRequestReceived c:
                OnClientRequest(c);
                break;
            case Persisted p:
                OnPersisted(p);
                break;
            case EntriesApplied a:
                OnEntriesApplied(a);
                break;
            case SnapshotRestored r:
                _core.Applied(r.Index);
                break;
            case SnapshotFailed f:
                throw new InvalidOperationException($"cannot restore the leader's snapshot into the state machine: {f.Reason}");
            case Status.Failure failure:
                // The applier refused or failed a batch (it restarted, or the state machine threw): its state is no
                // longer known to match the log. Starting over puts it back on the snapshot and replays the log.
                throw new InvalidOperationException($"the state machine applier failed: {failure.Cause.Message}", failure.Cause);
            case QueryAnswer q:
                AnswerQuery(q);
                break;
            case BroadcastTimer:
                BroadcastHeartbeat();
                break;
            case ChangeStateMachine change:
                OnChange(change);
                break;
            case ForwardedChange forwarded:
                OnForwarded(forwarded);
                break;
            case QueryState query:
                OnQuery(query);
                break;
            case ForwardedRead read:
                read.ReplyTo.Tell(read.Answer);
                break;
            case FailForTest:
                throw new InvalidOperationException("raft peer failure injected by a test");
            case GetNodeStatus:
                Sender.Tell(Status());
                break;
            case SubscribeRoleChanges:
                _roleSubscribers.Add(Sender);
                Context.Watch(Sender);
                Sender.Tell(new RoleChanged(_settings.NodeId, _core.Role, _core.Term, _core.LeaderId, _core.Configuration.AllPeers));
                break;
            case Terminated t:
                _roleSubscribers.Remove(t.Actor);
                break;
            default:
                return false;
        }
        Process();
        return true;
    }

    private NodeStatus Status() => new(
        _settings.NodeId, _core.Role, _core.Term, _core.LeaderId, _storage.Log.FirstIndex, _core.CommitIndex, _core.LastApplied,
        _core.LastIndex, _core.Configuration.AllPeers, _core.Configuration.IsTransitional);

    /// <summary>Fault injection for tests: the peer fails, and its supervisor restarts it.</summary>
    internal sealed class FailForTest
    {
        public static readonly FailForTest Instance = new();
    }

    private sealed class TickTimer
    {
        public static readonly TickTimer Instance = new();
    }

    private sealed class BroadcastTimer
    {
        public static readonly BroadcastTimer Instance = new();
    }
}
