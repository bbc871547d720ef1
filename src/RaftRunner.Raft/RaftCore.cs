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

    /// <param name="persisted">The durable term and vote (raft.pers).</param>
    /// <param name="configuration">The current configuration (raft.pers peers).</param>
    /// <param name="log">The durable log.</param>
    /// <param name="commitIndex">Where commit starts: zmq-raft starts it at the state machine's lastApplied (spec §1.1).</param>
    /// <param name="seed">Seeds the election-timeout randomness.</param>
    public RaftCore(RaftCoreOptions options, HardState persisted, ClusterConfiguration configuration, IRaftLogReader log, long commitIndex, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(log);
        options.Validate();
        _options = options;
        _random = new Random(seed);
        _log = new RaftLog(log);
        _config = configuration;
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
        var ids = new Random(unchecked(seed * 31 + 17)); // its own stream: message ids must not shift election timing
        foreach (var peer in _config.AllPeers)
        {
            if (peer.Id != Id)
                _peers[peer.Id] = new PeerState(peer.Id, (uint)ids.Next(1, 1 << 24));
        }
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
    public bool HasReady => _hardStateDirty || _messagesNow.Count > 0 || _messagesAfterPersist.Count > 0 || _replies.Count > 0
        || _log.HasPendingWrite || CommitIndex > _handedOutForApply;

    public Ready GetReady()
    {
        var ready = new Ready(
            _hardStateDirty ? new HardState(Term, Broken(CoreFaults.SkipPersistingVotedFor) ? null : VotedFor) : null,
            _log.TakeWrite(),
            _messagesNow,
            _messagesAfterPersist,
            _replies,
            TakeCommittedEntries(),
            Role,
            LeaderId,
            CommitIndex);
        _hardStateDirty = false;
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
    }

    /// <summary>Committed entries not yet handed out, durable ones only (a node applies only what it has written).</summary>
    private IReadOnlyList<Protocol.LogEntry> TakeCommittedEntries()
    {
        if (CommitIndex <= _handedOutForApply)
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
            if (peer.Pending is { } rpc && --rpc.TicksLeft <= 0)
            {
                rpc.TicksLeft = rpc.Timeout;
                _messagesNow.Add(new PeerMessage(peer.Id, rpc.Request)); // resent unchanged, same id (spec §0.2)
            }
            if (Role == RaftRole.Leader && peer.HeartbeatIn is { } beat && peer.Pending is null)
            {
                peer.HeartbeatIn = beat - 1;
                if (beat - 1 <= 0)
                {
                    peer.HeartbeatIn = null;
                    SendAppendEntries(peer, manyEntries: true);
                }
            }
        }
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
            default: throw new ArgumentException($"the core does not take {message.Message.GetType().Name}", nameof(message));
        }
    }

    /// <summary>A peer of the configuration other than this node (spec §1.6: others are ignored without a reply).</summary>
    private bool IsKnownPeer(string id, out PeerState peer) => _peers.TryGetValue(id, out peer!);

    private void Persist() => _hardStateDirty = true;

    private bool Broken(CoreFaults fault) => (_options.Faults & fault) != 0;

    private void Send(PeerState peer, object request, int timeout, bool afterPersist)
    {
        peer.Pending = new PendingRpc(ExtractId(request), request, timeout);
        (afterPersist ? _messagesAfterPersist : _messagesNow).Add(new PeerMessage(peer.Id, request));
    }

    private static uint ExtractId(object request) => request switch
    {
        Protocol.Messages.RequestVoteRequest r => r.MessageId,
        Protocol.Messages.AppendEntriesRequest r => r.MessageId,
        _ => throw new ArgumentException($"not a peer request: {request.GetType().Name}"),
    };

    /// <summary>zmq-raft's "cancel all pending RPCs" when leaving CANDIDATE or LEADER (spec §0.4).</summary>
    private void CancelPendingRpcs()
    {
        foreach (var peer in _peers.Values)
        {
            peer.Pending = null;
            peer.HeartbeatIn = null;
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
        }
        if (role == RaftRole.Follower && !_config.IsMember(Id))
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
