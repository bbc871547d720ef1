using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;
using RaftRunner.Raft.Progress;

namespace RaftRunner.Raft;

/// <summary>
/// The pure Raft core: zmq-raft's rules (docs/zmq-raft-core-behaviour.md, cited below as "spec §n") as a
/// state machine that is fed peer messages and ticks and hands back a <see cref="Ready"/>. No I/O, no clock,
/// no threads; randomness comes from the seed. Partial files by role: Elections (follower timer, candidate,
/// votes), Replication (leader sending, follower appending, commit).
/// </summary>
public sealed partial class RaftCore
{
    private readonly RaftCoreOptions _options;
    private readonly Random _random;
    private readonly Random _idRandom; // its own stream: message ids and keys must not shift election timing
    private readonly RaftLog _log;
    private readonly Dictionary<string, PeerState> _peers = new(StringComparer.Ordinal);
    private ClusterConfiguration _config;
    private VoteTally? _tally;
    private int? _electionTicksLeft;
    private bool _hardStateDirty;
    private List<PeerMessage> _messagesNow = [];
    private List<PeerMessage> _messagesAfterPersist = [];
    private List<ClientReply> _replies = [];
    private long _handedOutForApply;

    /// <summary>A node whose membership is the configuration it was created with (no CONFIG entry yet).</summary>
    public RaftCore(RaftCoreOptions options, HardState persisted, ClusterConfiguration configuration, IRaftLogReader log, long commitIndex, int seed)
        : this(options, persisted, MembershipState.Initial(configuration ?? throw new ArgumentNullException(nameof(configuration))), log, commitIndex, seed)
    {
    }

    /// <param name="persisted">The durable term and vote (raft.pers).</param>
    /// <param name="membership">The durable membership (raft.pers peers, peersIndex, peersUpdateRequest).</param>
    /// <param name="log">The durable log.</param>
    /// <param name="commitIndex">Where commit starts: zmq-raft starts it at the state machine's lastApplied (spec §1.1).</param>
    /// <param name="seed">Seeds the election-timeout randomness.</param>
    public RaftCore(RaftCoreOptions options, HardState persisted, MembershipState membership, IRaftLogReader log, long commitIndex, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(membership);
        ArgumentNullException.ThrowIfNull(log);
        options.Validate();
        _options = options;
        _random = new Random(seed);
        _idRandom = new Random(unchecked(seed * 31 + 17));
        _log = new RaftLog(log);
        _config = membership.Configuration;
        _peersIndex = membership.PeersIndex;
        _updateRequest = membership.UpdateRequest;
        _committedConfig = membership.Committed ?? membership.Configuration;
        _committedConfigIndex = membership.Committed is null ? membership.PeersIndex : membership.CommittedIndex;
        LastApplied = commitIndex;
        _handedOutForApply = commitIndex;
        Term = persisted.Term;
        VotedFor = persisted.VotedFor;
        CommitIndex = commitIndex;
        if (_log.LastTerm > Term)
        {
            // zmq-raft's builder raises the persisted term to the log's last term (spec §1.1).
            Term = _log.LastTerm;
            _hardStateDirty = true;
        }
        if (commitIndex > _log.LastIndex)
            throw new RaftFatalException($"commit index {commitIndex} is beyond the log's last index {_log.LastIndex}");
        if (commitIndex < _log.SnapshotIndex)
            throw new RaftFatalException($"commit index {commitIndex} is below the snapshot's index {_log.SnapshotIndex}: restore the snapshot into the state machine first");
        foreach (var peer in _config.AllPeers)
        {
            if (peer.Id != Id)
                _peers[peer.Id] = new PeerState(peer.Id, (uint)_idRandom.Next(1, 1 << 24));
        }
        RecoverMembership();
        Start();
    }

    public string Id => _options.NodeId;

    public RaftRole Role { get; private set; } = RaftRole.Client;

    public ulong Term { get; private set; }

    public string? VotedFor { get; private set; }

    /// <summary>The leader this node follows (itself when it leads); null when unknown.</summary>
    public string? LeaderId { get; private set; }

    public long CommitIndex { get; private set; }

    /// <summary>The last index the host reports applied to the state machine.</summary>
    public long LastApplied { get; private set; }

    public long LastIndex => _log.LastIndex;

    public ulong LastTerm => _log.LastTerm;

    public ClusterConfiguration Configuration => _config;

    /// <summary>True when <see cref="GetReady"/> has something to hand out.</summary>
    public bool HasReady => _hardStateDirty || _membershipDirty || _messagesNow.Count > 0 || _messagesAfterPersist.Count > 0
        || _replies.Count > 0 || _snapshotWrites.Count > 0 || _log.HasPendingWrite || HasCommittedToHandOut;

    public Ready GetReady()
    {
        var snapshotToApply = TakeSnapshotToApply();
        var ready = new Ready(
            _hardStateDirty ? new HardState(Term, Broken(CoreFaults.SkipPersistingVotedFor) ? null : VotedFor) : null,
            _log.TakeWrite(),
            _messagesNow,
            _messagesAfterPersist,
            _replies,
            TakeCommittedEntries(),
            _snapshotWrites,
            _membershipDirty ? Membership : null,
            snapshotToApply,
            Role,
            LeaderId,
            CommitIndex);
        _hardStateDirty = false;
        _membershipDirty = false;
        _snapshotWrites = [];
        _messagesNow = [];
        _messagesAfterPersist = [];
        _replies = [];
        return ready;
    }

    /// <summary>The host carried out <paramref name="ready"/>: its writes are durable and its messages sent.</summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (ready.LogWrite is not null)
            _log.WriteDone();
    }

    /// <summary>The host applied entries up to <paramref name="index"/> (in order); waiting RequestUpdates are answered.</summary>
    public void Applied(long index)
    {
        if (index > _handedOutForApply)
            throw new InvalidOperationException($"index {index} was never handed out for applying (handed out up to {_handedOutForApply})");
        if (index <= LastApplied)
            return;
        LastApplied = index;
        AnswerAppliedWaiters();
        AnswerReads();
    }

    /// <summary>
    /// Something committed to hand out: entries, or first a snapshot the state machine is behind (spec §7) — which
    /// waits until the commit index reaches it, as zmq-raft's feedStateMachine does.
    /// </summary>
    private bool HasCommittedToHandOut => CommitIndex > _handedOutForApply && CommitIndex >= _log.SnapshotIndex;

    private Log.SnapshotInstall? TakeSnapshotToApply()
    {
        if (!HasCommittedToHandOut || _handedOutForApply >= _log.SnapshotIndex)
            return null;
        _handedOutForApply = _log.SnapshotIndex;
        return new Log.SnapshotInstall(_log.SnapshotIndex, _log.SnapshotTerm, KeepLogAfter: true);
    }

    /// <summary>Committed entries not yet handed out, durable ones only (a node applies only what it has written).</summary>
    private IReadOnlyList<Protocol.LogEntry> TakeCommittedEntries()
    {
        if (!HasCommittedToHandOut)
            return [];
        var entries = new List<Protocol.LogEntry>();
        for (var i = _handedOutForApply + 1; i <= CommitIndex; i++)
            entries.Add(_log.EntryAt(i));
        _handedOutForApply = CommitIndex;
        return entries;
    }

    /// <summary>One tick of time: election timer, RPC resends, heartbeats.</summary>
    public void Tick()
    {
        if (_electionTicksLeft is { } left)
        {
            _electionTicksLeft = left - 1;
            if (left - 1 <= 0)
            {
                _electionTicksLeft = null;
                OnElectionTimeout();
            }
        }
        foreach (var peer in _peers.Values)
        {
            foreach (var rpc in peer.InFlight)
            {
                if (--rpc.TicksLeft <= 0)
                {
                    rpc.TicksLeft = rpc.Timeout;
                    _messagesNow.Add(new PeerMessage(peer.Id, rpc.Request)); // resent unchanged, same id (spec §0.2)
                }
            }
            if (Role == RaftRole.Leader && peer.HeartbeatIn is { } beat && peer.IsIdle && !IsWithheld(peer))
            {
                peer.HeartbeatIn = beat - 1;
                if (beat - 1 <= 0)
                {
                    peer.HeartbeatIn = null;
                    _ = SendAppendEntries(peer, manyEntries: true);
                }
            }
        }
        if (Role == RaftRole.Leader)
            TickLeadership();
    }

    /// <summary>A message from a peer: a request to answer, or the response to our pending request.</summary>
    public void Step(PeerMessage message)
    {
        switch (message.Message)
        {
            case Protocol.Messages.RequestVoteRequest request: OnRequestVote(message.Peer, request); break;
            case Protocol.Messages.RequestVoteResponse response: OnRequestVoteResponse(message.Peer, response); break;
            case Protocol.Messages.AppendEntriesRequest request: OnAppendEntries(message.Peer, request); break;
            case Protocol.Messages.AppendEntriesResponse response: OnAppendEntriesResponse(message.Peer, response); break;
            case Protocol.Messages.InstallSnapshotRequest request: OnInstallSnapshot(message.Peer, request); break;
            case Protocol.Messages.InstallSnapshotResponse response: OnInstallSnapshotResponse(message.Peer, response); break;
            case TimeoutNowRequest request: OnTimeoutNow(message.Peer, request); break;
            default: throw new ArgumentException($"the core does not take {message.Message.GetType().Name}", nameof(message));
        }
    }

    /// <summary>A peer of the configuration other than this node (spec §1.6: others are ignored without a reply).</summary>
    private bool IsKnownPeer(string id, out PeerState peer) => _peers.TryGetValue(id, out peer!);

    private void Persist() => _hardStateDirty = true;

    private bool Broken(CoreFaults fault) => (_options.Faults & fault) != 0;

    private void Send(PeerState peer, object request, int timeout, bool afterPersist)
    {
        peer.InFlight.Add(new PendingRpc(ExtractId(request), request, timeout, _readRound));
        (afterPersist ? _messagesAfterPersist : _messagesNow).Add(new PeerMessage(peer.Id, request));
    }

    private static uint ExtractId(object request) => request switch
    {
        Protocol.Messages.RequestVoteRequest r => r.MessageId,
        Protocol.Messages.AppendEntriesRequest r => r.MessageId,
        Protocol.Messages.InstallSnapshotRequest r => r.MessageId,
        _ => throw new ArgumentException($"not a peer request: {request.GetType().Name}"),
    };

    /// <summary>zmq-raft's "cancel all pending RPCs" when leaving CANDIDATE or LEADER (spec §0.4).</summary>
    private void CancelPendingRpcs()
    {
        foreach (var peer in _peers.Values)
        {
            peer.InFlight.Clear();
            peer.HeartbeatIn = null;
            peer.Snapshot = null;
        }
    }

    /// <summary>
    /// zmq-raft's _updateState (spec §1.2): cancel RPCs when leaving CANDIDATE/LEADER, a FOLLOWER that is not a
    /// member is a CLIENT, CLIENT has no timer, persist when the term or the vote changed.
    /// </summary>
    private void UpdateState(RaftRole role, ulong term, string? votedFor)
    {
        if (Role is RaftRole.Candidate or RaftRole.Leader)
        {
            CancelPendingRpcs();
            ClearClientRequests();
            AnswerConfigWaiterNotLeader();
            AbandonLeadershipWork();
        }
        if (role == RaftRole.Follower && !IsVoter)
            role = RaftRole.Client;
        Role = role;
        if (role == RaftRole.Client)
            _electionTicksLeft = null;
        if (term != Term || votedFor != VotedFor)
        {
            Term = term;
            VotedFor = votedFor;
            Persist();
        }
    }
}
