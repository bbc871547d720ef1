using RaftRunner.Raft.Progress;

namespace RaftRunner.Raft;

/// <summary>
/// Beyond zmq-raft (docs/raft-core-design.md §6), none of which changes the wire: linearizable reads by
/// ReadIndex, check-quorum (off by default), and leadership transfer.
/// </summary>
public sealed partial class RaftCore
{
    private readonly List<(object Token, long Index, long Round)> _reads = [];
    private long _readRound;
    private int _quorumTicks;
    private (string Target, int TicksLeft, bool Fired)? _transfer;

    private bool HasPendingReads => _reads.Count > 0;

    /// <summary>True while a leadership transfer is under way: new updates are refused until it ends.</summary>
    public bool IsTransferringLeadership => _transfer is not null;

    /// <summary>
    /// A linearizable read (Raft §6.4 ReadIndex): the answer, a <see cref="ReadIndexResponse"/> in a
    /// <see cref="ClientReply"/>, comes once a majority has answered a request sent after this call and the
    /// state machine has applied the commit index of that moment. A leader whose commit index may still be behind
    /// (entries of earlier terms not yet committed under one of its own) waits for its CHECKPOINT to commit first.
    /// </summary>
    public void ReadIndex(object token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (Role != RaftRole.Leader)
        {
            _replies.Add(new ClientReply(token, new ReadIndexResponse(false, 0, LeaderId)));
            return;
        }
        _readRound++;
        _reads.Add((token, CommitIsCurrent ? CommitIndex : -1, _readRound));
        foreach (var peer in _peers.Values)
            UpdateFollower(peer); // idle peers are asked at once
        AnswerReads();
    }

    /// <summary>
    /// The leader's commit index is the cluster's: an entry of its term is committed, or everything it holds is
    /// committed (a new leader with nothing to commit appends no CHECKPOINT, and its log holds every committed entry).
    /// </summary>
    private bool CommitIsCurrent => CommitIndex == LastIndex || _log.TermAt(CommitIndex) == Term;

    /// <summary>An answer in this term from <paramref name="peer"/> to <paramref name="rpc"/>: it is alive and still follows us.</summary>
    private void Heard(PeerState peer, PendingRpc rpc)
    {
        peer.RecentlyActive = true;
        if (rpc.Round > peer.AckedRound)
        {
            peer.AckedRound = rpc.Round;
            AnswerReads();
        }
    }

    /// <summary>Answers every read whose round a majority has confirmed and whose index is applied.</summary>
    private void AnswerReads()
    {
        if (_reads.Count == 0 || Role != RaftRole.Leader)
            return;
        var commitIsCurrent = CommitIsCurrent;
        for (var i = 0; i < _reads.Count; i++)
        {
            var (token, index, round) = _reads[i];
            if (index < 0 && commitIsCurrent)
                _reads[i] = (token, index = CommitIndex, round);
            if (index < 0 || LastApplied < index
                || !_config.HasMajority(id => id == Id || (_peers.TryGetValue(id, out var p) && p.AckedRound >= round)))
                continue;
            _replies.Add(new ClientReply(token, new ReadIndexResponse(true, index, Id)));
            _reads.RemoveAt(i--);
        }
    }

    /// <summary>
    /// Hands leadership to <paramref name="target"/>: new updates are refused while it catches up, then the
    /// leader stops sending to it, so its election timer fires first and it wins (its log is complete) while the
    /// others still hear heartbeats; a peer that understands <see cref="TimeoutNowRequest"/> is told to start
    /// at once. Abandoned after two election timeouts. Returns false when this node cannot transfer to it.
    /// </summary>
    public bool TransferLeadership(string target)
    {
        if (Role != RaftRole.Leader || target == Id || !_config.IsMember(target) || !_peers.TryGetValue(target, out var peer) || _transfer is not null)
            return false;
        _transfer = (target, 2 * _options.ElectionTimeoutMaxTicks, false);
        UpdateFollower(peer);
        MaybeFireTransfer();
        return true;
    }

    private bool IsWithheld(PeerState peer) => _transfer is { Fired: true } t && t.Target == peer.Id;

    private void MaybeFireTransfer()
    {
        if (_transfer is not { Fired: false } transfer || !_peers.TryGetValue(transfer.Target, out var peer) || peer.MatchIndex != LastIndex)
            return;
        _transfer = transfer with { Fired = true };
        peer.InFlight.Clear();
        peer.HeartbeatIn = null;
        if (_options.TimeoutNowPeers.Contains(peer.Id))
            _messagesNow.Add(new PeerMessage(peer.Id, new TimeoutNowRequest(Id, Term)));
    }

    /// <summary>A follower told by its leader to start an election now (leadership transfer).</summary>
    private void OnTimeoutNow(string from, TimeoutNowRequest request)
    {
        if (request.Term != Term || request.LeaderId != LeaderId || from != request.LeaderId || Role != RaftRole.Follower)
            return;
        _electionTicksLeft = null;
        OnElectionTimeout();
    }

    /// <summary>The leader's per-tick duties beyond heartbeats: check-quorum and the transfer deadline.</summary>
    private void TickLeadership()
    {
        if (_transfer is { } transfer)
        {
            if (transfer.TicksLeft <= 1)
            {
                _transfer = null; // the target did not take over: lead on, and talk to it again
                if (_peers.TryGetValue(transfer.Target, out var peer))
                    UpdateFollower(peer);
            }
            else
            {
                _transfer = transfer with { TicksLeft = transfer.TicksLeft - 1 };
                MaybeFireTransfer();
            }
        }
        if (!_options.CheckQuorum || ++_quorumTicks < _options.ElectionTimeoutMaxTicks)
            return;
        _quorumTicks = 0;
        var heard = _config.HasMajority(id => id == Id || (_peers.TryGetValue(id, out var p) && p.RecentlyActive));
        foreach (var peer in _peers.Values)
            peer.RecentlyActive = false;
        if (heard)
            return;
        // No majority answered for an election timeout: step down (with an election timer, like every deposed leader).
        BecomeFollower(Term);
    }

    /// <summary>Leaving LEADER: waiting reads hear "not leader", a transfer ends.</summary>
    private void AbandonLeadershipWork()
    {
        foreach (var (token, _, _) in _reads)
            _replies.Add(new ClientReply(token, new ReadIndexResponse(false, 0, LeaderId)));
        _reads.Clear();
        _transfer = null;
        _quorumTicks = 0;
    }
}
