using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Raft.Simulation;

/// <summary>
/// Runs one seeded fault schedule on a cluster of cores: messages are delivered, dropped, duplicated and
/// delayed (reordered); links are cut one way, the leader is cut from some followers, the cluster is split in
/// two, and links heal; nodes pause (messages wait for them), crash
/// and restart with only their durable state; nodes compact their logs into snapshots (so lagging followers get
/// InstallSnapshot); the leader gets proposals, membership changes (spare nodes join, members leave) and
/// clients send and retry updates. After every step the safety invariants are checked. Then the faults stop
/// and the cluster must elect a leader, finish any membership change and commit everything proposed to a live
/// leader within a bounded number of ticks. Everything depends only on the seed.
/// </summary>
public sealed class Simulator
{
    private const int FaultSteps = 600;
    private const int LivenessTicks = 3000;

    private readonly Random _random;
    private readonly List<SimNode> _nodes;
    private readonly List<(string From, string To, object Message, int DeliverAt, int ToIncarnation, int FromIncarnation)> _wire = [];
    private readonly HashSet<(string, string)> _cut = [];
    private readonly HashSet<string> _paused = [];
    private readonly Dictionary<(string Responder, string Requester, uint Id), int> _askedBy = []; // which incarnation asked // a paused node neither ticks nor reads: its messages wait
    private readonly SafetyChecker _checker = new();
    private readonly List<(RequestId Id, byte[] Data)> _unacknowledged = [];
    private readonly Dictionary<RequestId, long> _acknowledged = [];
    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly PeerInfo[] _pool;

    /// <summary>
    /// One schedule in four trades membership changes and compactions for more leader crashes: committing an
    /// older term's entry by counting (Figure 8) only shows when divergent logs meet many elections.
    /// </summary>
    private readonly bool _electionHeavy;
    private bool _liveness;
    private int _now;
    private string? _clientViolation;
    private byte _nextValue;

    public Simulator(int seed) : this(seed, CoreFaults.None)
    {
    }

    /// <summary>A schedule run on cores with deliberate rule breaks (to prove the checks can fail).</summary>
    internal Simulator(int seed, CoreFaults faults, int? size = null)
    {
        Seed = seed;
        _random = new Random(seed);
        var drawn = new[] { 3, 5, 7 }[_random.Next(3)];
        _electionHeavy = _random.Next(4) == 0;
        var clusterSize = size ?? drawn;
        // Two spare nodes start outside the configuration (CLIENT) and may join by a membership change.
        _pool = Enumerable.Range(1, clusterSize + 2).Select(i => new PeerInfo($"n{i}", $"tcp://127.0.0.1:{8040 + i}")).ToArray();
        var configuration = ClusterConfiguration.Final(_pool[..clusterSize]);
        // Beyond zmq-raft, in some schedules: a pipelining window and TimeoutNow between RaftRunner nodes, check-quorum.
        var ids = _pool.Select(p => p.Id).ToHashSet();
        var pipelined = _random.Next(3) == 0;
        var checkQuorum = _random.Next(3) == 0;
        Options = o => o with
        {
            AppendEntriesWindow = pipelined ? 4 : 1,
            PipelinedPeers = pipelined ? ids : new HashSet<string>(),
            TimeoutNowPeers = pipelined ? ids : new HashSet<string>(),
            CheckQuorum = checkQuorum,
        };
        _nodes = _pool.Select((p, i) => new SimNode(p.Id, configuration, seed * 31 + i, faults, Options)).ToList();
    }

    public int Seed { get; }

    /// <summary>When set, every step's faults and every node's state are written here (for replaying a failure).</summary>
    public TextWriter? Trace { get; init; }

    public int Size => _nodes.Count - 2;

    /// <summary>The core options this schedule's nodes run with.</summary>
    public Func<RaftCoreOptions, RaftCoreOptions> Options { get; }

    /// <summary>Snapshots that followers received from a leader and installed.</summary>
    public int SnapshotsInstalled => _nodes.Sum(n => n.Store.SnapshotsInstalled);

    /// <summary>Membership changes that completed (the final ConfigUpdate answer arrived).</summary>
    public int MembershipChanges { get; private set; }

    /// <summary>Runs the schedule; returns null when every invariant held, or what broke.</summary>
    public string? Run()
    {
        try
        {
            for (var step = 0; step < FaultSteps; step++)
            {
                Fault();
                Tick();
                Trace?.WriteLine($"step {step}{(_electionHeavy ? " (election-heavy)" : "")}: {Roles()} cut [{string.Join(" ", _cut.Select(c => $"{c.Item1}>{c.Item2}"))}] paused [{string.Join(" ", _paused)}]");
                if ((_clientViolation ?? _checker.Check(_nodes, _now) ?? _checker.CheckAcknowledged(_acknowledged)) is { } violation)
                {
                    DumpLogs();
                    return $"step {step}: {violation}";
                }
            }
            // Faults stop: heal, restart, and demand progress.
            _liveness = true;
            _cut.Clear();
            _paused.Clear();
            foreach (var node in _nodes.Where(n => !n.IsUp))
                node.Restart();
            long target = -1;
            SimNode? proposer = null;
            ulong proposedIn = 0;
            for (var t = 0; t < LivenessTicks; t++)
            {
                Tick();
                Trace?.WriteLine($"liveness {t}: {Roles()} | {string.Join(" ", _nodes.Select(n => $"{n.Id}:v={n.Durable.VotedFor ?? "-"}@{n.Durable.Term} last={string.Join(",", n.Entries().Entries.TakeLast(2).Select(e => $"{e.Term}/{(e.Data.Length > 0 ? e.Data.Span[0] : -1)}"))}"))}");
                if ((_clientViolation ?? _checker.Check(_nodes, _now) ?? _checker.CheckAcknowledged(_acknowledged)) is { } violation)
                {
                    DumpLogs();
                    return $"liveness tick {t}: {violation}";
                }
                if (proposer is not null && (proposer.Core!.Role != RaftRole.Leader || proposer.Core.Term != proposedIn
                    || _nodes.Any(n => n.Core!.Role == RaftRole.Leader && n.Core.Term > proposedIn)))
                    proposer = null; // that leader lost its term (or leads a configuration nobody follows): ask the next one
                if (proposer is null)
                {
                    var leader = _nodes.Where(n => n.Core!.Role == RaftRole.Leader).MaxBy(n => n.Core!.Term);
                    if (leader is null || leader.Core!.IsTransferringLeadership)
                        continue;
                    // One proposal in the leader's own term commits everything before it (no stuck tail).
                    proposer = leader;
                    proposedIn = leader.Core!.Term;
                    target = leader.Core.Propose(NextEntry(proposedIn));
                    Flush(leader);
                }
                if (t % 10 == 0)
                {
                    // Clients retry every update they never saw confirmed; all of them must commit.
                    foreach (var (id, data) in _unacknowledged.ToArray())
                        proposer.Core!.RequestUpdate(id, id, data, Epoch.AddMilliseconds(_now * 10));
                    Flush(proposer);
                }
                var members = proposer.Core!.Configuration;
                if (!members.IsTransitional && _nodes.Where(n => members.IsMember(n.Id)).All(n => n.Core!.CommitIndex >= target) && _unacknowledged.Count == 0)
                    return null;
            }
            return $"no progress within {LivenessTicks} ticks after the faults stopped ({_unacknowledged.Count} updates never confirmed); roles: {Roles()}";
        }
        catch (RaftFatalException e)
        {
            return $"a node stopped with a fatal error: {e.Message}";
        }
    }

    /// <summary>In trace mode: every node's log as index:term, with c/j for final/joint CONFIG entries and k for checkpoints.</summary>
    private void DumpLogs()
    {
        if (Trace is null)
            return;
        foreach (var node in _nodes)
        {
            var (first, entries) = node.Entries();
            Trace.WriteLine($"  {node.Id} snapshot {node.Log.SnapshotIndex}/{node.Log.SnapshotTerm}: " + string.Join(" ", entries.Select((e, i) =>
                $"{first + i}:{e.Term}{(e.Type == LogEntryType.Config ? (ConfigEntryData.TryDecode(e.Data.Span, out var d, out _) && d.IsTransitional ? "j" : "c") : e.Type == LogEntryType.Checkpoint ? "k" : "")}")));
        }
    }

    private string Roles() => string.Join(", ", _nodes.Select(n => $"{n.Id}={n.Core?.Role.ToString() ?? "down"}@{n.Core?.Term} commit {n.Core?.CommitIndex} first {n.Log.SnapshotIndex + 1} last {n.Log.LastIndex}{(Trace is null ? "" : $" config {Describe(n.Core?.Membership ?? n.Store.Membership)}")}"));

    private static string Describe(MembershipState m) =>
        (m.Configuration.OldPeers is { } old ? string.Join("", old.Select(p => p.Id[1..])) + ">" : "") + string.Join("", m.Configuration.Peers.Select(p => p.Id[1..])) + $"@{m.PeersIndex}";

    private (RequestId Id, byte[] Data) NewRequest()
    {
        var request = (RequestId.New(Epoch.AddMilliseconds(_now * 10)), new[] { _nextValue++ });
        _unacknowledged.Add(request);
        return request;
    }

    private LogEntry NextEntry(ulong term) => LogEntry.Create(RequestId.Zero, LogEntryType.State, term, [_nextValue++]);

    private void Fault()
    {
        var roll = _random.Next(100);
        if (_electionHeavy && roll is >= 35 and < 41)
            roll = 4; // no membership changes or compactions: leaders crash instead (Figure 8 situations)
        var node = _nodes[_random.Next(_nodes.Count)];
        var other = _nodes[_random.Next(_nodes.Count)];
        var leader = _nodes.Where(n => n.Core?.Role == RaftRole.Leader).MaxBy(n => n.Core!.Term);
        var down = _nodes.Count(n => !n.IsUp);
        switch (roll)
        {
            case < 3 when node.IsUp && down < _nodes.Count / 2:
                node.Crash();
                break;
            case < 6 when leader is not null && down < _nodes.Count / 2:
                leader.Crash(); // leaders die mid-replication: the Figure 8 situations
                break;
            case < 8 when node.IsUp:
                node.Crash();
                node.Restart(); // a quick bounce: volatile state gone, durable state (votes!) must hold
                break;
            case < 13 when !node.IsUp:
                node.Restart();
                break;
            case < 16 when node != other:
                _cut.Add((node.Id, other.Id)); // one direction: asymmetric partitions too
                break;
            case < 19 when leader is not null:
                foreach (var n in _nodes.Where(n => n != leader))
                {
                    if (_random.Next(2) == 0)
                        _cut.Add((leader.Id, n.Id)); // the leader reaches only some followers
                }
                break;
            case < 24:
                _cut.Remove((node.Id, other.Id));
                break;
            case < 26:
                _cut.Clear();
                break;
            case < 27:
                // A symmetric partition: two random sides, no link between them either way.
                var side = _nodes.Where(_ => _random.Next(2) == 0).Select(n => n.Id).ToHashSet();
                foreach (var a in _nodes.Where(n => side.Contains(n.Id)))
                {
                    foreach (var b in _nodes.Where(n => !side.Contains(n.Id)))
                    {
                        _cut.Add((a.Id, b.Id));
                        _cut.Add((b.Id, a.Id));
                    }
                }
                break;
            case < 28 when node.IsUp:
                _paused.Add(node.Id); // a long GC pause or a stopped VM: time passes, the node notices nothing
                break;
            case < 31:
                _paused.Remove(node.Id);
                break;
            case < 33 when leader is not null && !leader.Core!.IsTransferringLeadership:
                leader.Core!.Propose(NextEntry(leader.Core.Term));
                Flush(leader);
                break;
            case < 35 when leader is not null && other != leader && _random.Next(3) == 0:
                leader.Core!.TransferLeadership(other.Id); // refused (false) when other is not a member
                Flush(leader);
                break;
            case < 37 when leader is not null && !leader.Core!.Configuration.IsTransitional:
                ChangeMembership(leader);
                break;
            case < 41 when node.IsUp:
                node.TakeSnapshot(); // compaction: followers behind the snapshot now need InstallSnapshot
                break;
            case < 50 when node.IsUp:
                // A client sends a new update, or retries one that was never confirmed, to whichever node it knows.
                var request = _unacknowledged.Count > 0 && _random.Next(2) == 0
                    ? _unacknowledged[_random.Next(_unacknowledged.Count)]
                    : NewRequest();
                node.Core!.RequestUpdate(request.Id, request.Id, request.Data, Epoch.AddMilliseconds(_now * 10));
                Flush(node);
                break;
        }
    }

    /// <summary>
    /// A ConfigUpdate to the leader with a random new member set. Nodes joining from outside first download the
    /// leader's log and configuration, as RAFT.md recommends (zmq-raft's CLIENT start-up sync).
    /// </summary>
    private void ChangeMembership(SimNode leader)
    {
        // One server in or out at a time, as operators are told to (RAFT.md: start a new node as a CLIENT first).
        // Replacing many at once can strand voters whose configuration lacks the candidates that could win: they
        // ignore those candidates (RAFT.md point 1), and no election can succeed — zmq-raft shares that limit.
        var current = leader.Core!.Configuration;
        var members = current.Peers.ToList();
        var outsiders = _pool.Where(p => !current.IsMember(p.Id)).ToList();
        if ((_random.Next(2) == 0 || members.Count <= 1) && outsiders.Count > 0)
            members.Add(outsiders[_random.Next(outsiders.Count)]);
        else
            members.RemoveAt(_random.Next(members.Count));
        var chosen = members.OrderBy(_ => _random.Next()).ToArray();
        // An operator checks (RequestLogInfo) that the members who stay are caught up before changing membership:
        // a member that never received the log may be the one every election needs, and its configuration may
        // not even know the candidates that could win (RAFT.md point 1).
        if (current.Peers.Any(p => chosen.Any(c => c.Id == p.Id) && _nodes.First(n => n.Id == p.Id) is var member
                && p.Id != leader.Id && (!member.IsUp || member.Log.LastIndex < leader.Core.CommitIndex)))
            return;
        foreach (var joiner in _nodes.Where(n => chosen.Any(p => p.Id == n.Id) && !current.IsMember(n.Id) && n != leader))
            Sync(joiner, leader);
        var raw = Protocol.MessagePack.MessagePackValue.Array(chosen.Select(p =>
            Protocol.MessagePack.MessagePackValue.Array(Protocol.MessagePack.MessagePackValue.From(p.Id), Protocol.MessagePack.MessagePackValue.From(p.Url))));
        var id = RequestId.New(Epoch.AddMilliseconds(_now * 10));
        Trace?.WriteLine($"  t{_now} config update on {leader.Id} to [{string.Join(" ", chosen.Select(p => p.Id))}]");
        leader.Core.ConfigUpdate(id, id, raw, Epoch.AddMilliseconds(_now * 10));
        Flush(leader);
    }

    /// <summary>The host's start-up sync: download the leader's log, snapshot and configuration, restart from them.</summary>
    private void Sync(SimNode node, SimNode leader)
    {
        Trace?.WriteLine($"  t{_now} {node.Id} syncs from {leader.Id}");
        node.Crash();
        node.Log.CopyFrom(leader.Log);
        node.Store.Membership = leader.Core!.Membership;
        node.Restart();
    }

    private readonly Dictionary<string, int> _crashAt = [];
    private readonly HashSet<string> _wasLeader = [];

    /// <summary>In election-heavy schedules a new leader often dies within a few ticks of winning, mid-replication.</summary>
    private void CrashFreshLeaders()
    {
        foreach (var node in _nodes)
        {
            var leads = node.Core?.Role == RaftRole.Leader;
            if (leads && _wasLeader.Add(node.Id) && _random.Next(5) < 2 && _nodes.Count(n => !n.IsUp) < _nodes.Count / 2)
            {
                _crashAt[node.Id] = _now + _random.Next(1, 8);
                Trace?.WriteLine($"  t{_now} {node.Id} will crash at {_crashAt[node.Id]}");
            }
            if (!leads)
                _wasLeader.Remove(node.Id);
            if (_crashAt.TryGetValue(node.Id, out var at) && at <= _now)
            {
                _crashAt.Remove(node.Id);
                if (node.IsUp)
                    node.Crash();
            }
        }
    }

    private void Tick()
    {
        _now++;
        if (_electionHeavy && !_liveness)
            CrashFreshLeaders();
        foreach (var node in _nodes.Where(n => n.IsUp && !_paused.Contains(n.Id)))
        {
            node.Core!.Tick();
            Flush(node);
        }
        Deliver();
        // A node whose configuration went stale ignores the leader that keeps writing to it: the host, checking now
        // and then, resyncs it — from a leader that is a member of its own configuration (one that is not, is on
        // its way out, and a node that took its configuration would ignore it just the same).
        if (_now % 50 != 0)
            return;
        foreach (var node in _nodes.Where(n => n.IsUp && !_paused.Contains(n.Id) && n.Core!.UnknownLeader is not null))
        {
            var (id, term) = node.Core!.UnknownLeader!.Value;
            var leader = _nodes.First(n => n.Id == id);
            var config = leader.Core?.Configuration;
            if (leader.IsUp && leader.Core!.Role == RaftRole.Leader && leader.Core.Term == term && config!.IsMember(node.Id) && config.IsMember(leader.Id))
                Sync(node, leader);
        }
    }

    private void Deliver()
    {
        for (var rounds = 0; rounds < 50; rounds++)
        {
            var due = _wire.Where(m => m.DeliverAt <= _now && !_paused.Contains(m.To)).ToList();
            if (due.Count == 0)
                return;
            _wire.RemoveAll(m => m.DeliverAt <= _now && !_paused.Contains(m.To));
            foreach (var (from, to, message, _, incarnation, fromIncarnation) in due)
            {
                var target = _nodes.First(n => n.Id == to);
                if (!target.IsUp || _cut.Contains((from, to)))
                    continue;
                // ZeroMQ routes an answer to the asker's DEALER; a restarted process has a new one, so answers
                // meant for its previous incarnation never reach it (requests, queued by the sender's DEALER, do).
                if (incarnation != target.Incarnation && message is Protocol.Messages.RequestVoteResponse or Protocol.Messages.AppendEntriesResponse or Protocol.Messages.InstallSnapshotResponse)
                    continue;
                if (message is TimeoutNowRequest && fromIncarnation != _nodes.First(n => n.Id == from).Incarnation)
                    continue;
                if (message is Protocol.Messages.RequestVoteRequest rv)
                    _askedBy[(to, from, rv.MessageId)] = fromIncarnation;
                else if (message is Protocol.Messages.AppendEntriesRequest ae)
                    _askedBy[(to, from, ae.MessageId)] = fromIncarnation;
                else if (message is Protocol.Messages.InstallSnapshotRequest snapshot)
                    _askedBy[(to, from, snapshot.MessageId)] = fromIncarnation;
                target.Core!.Step(new PeerMessage(from, message));
                Flush(target);
            }
        }
    }

    /// <summary>Carries out the node's Readies (see <see cref="ReadyDriver"/>); the network may drop, duplicate or delay.</summary>
    private void Flush(SimNode node) => ReadyDriver.Drain(node.Core!, node.Store,
        send: m =>
        {
            if (m.Message is Protocol.Messages.RequestVoteResponse { VoteGranted: true } v)
                Trace?.WriteLine($"  t{_now} {node.Id} (incarnation {node.Incarnation}, last {node.Core!.LastIndex}/{node.Core.LastTerm}, snapshot {node.Log.SnapshotIndex}) grants {m.Peer} term {v.Term}");
            Post(node.Id, m);
        },
        reply: OnReply,
        apply: entries =>
        {
            if (node.Apply(entries) is { } twice)
                _clientViolation ??= $"{node.Id} applied {twice}";
        },
        restore: snapshot => node.Restore(node.Log.ReadSnapshot(0, (int)node.Log.SnapshotSize)));

    private void OnReply(ClientReply reply)
    {
        if (reply.Response is Protocol.Messages.ConfigUpdateResponse { Status: Protocol.Messages.ConfigUpdateStatus.Accepted, Index: not null })
            MembershipChanges++;
        if (reply.Response is not Protocol.Messages.RequestUpdateResponse { Outcome: Protocol.Messages.RequestUpdateOutcome.Committed } done)
            return;
        if (_acknowledged.TryGetValue(done.RequestId, out var before) && before != (long)done.Index)
            _clientViolation ??= $"request {done.RequestId} confirmed at {before} and later at {done.Index}";
        _acknowledged[done.RequestId] = (long)done.Index;
        _unacknowledged.RemoveAll(r => r.Id == done.RequestId);
    }

    private void Post(string from, PeerMessage message)
    {
        var roll = _random.Next(100);
        if (roll < 5)
            return; // dropped
        var delay = roll < 15 ? _random.Next(1, 20) : 0; // delayed: arrives after later messages
        // An answer goes to the incarnation that asked (ZeroMQ routes it to that process's DEALER).
        var id = message.Message switch
        {
            Protocol.Messages.RequestVoteResponse r => (uint?)r.MessageId,
            Protocol.Messages.AppendEntriesResponse r => r.MessageId,
            Protocol.Messages.InstallSnapshotResponse r => r.MessageId,
            _ => null,
        };
        var target = _nodes.First(n => n.Id == message.Peer);
        var incarnation = id is { } i && _askedBy.TryGetValue((from, message.Peer, i), out var asker) ? asker : target.Incarnation;
        var fromIncarnation = _nodes.First(n => n.Id == from).Incarnation;
        _wire.Add((from, message.Peer, message.Message, _now + delay, incarnation, fromIncarnation));
        if (roll is >= 15 and < 18)
            _wire.Add((from, message.Peer, message.Message, _now + _random.Next(0, 30), incarnation, fromIncarnation)); // duplicated
    }
}
