using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Raft;

public sealed partial class RaftCore
{
    /// <summary>Startup transitions T1–T3 (spec §1.2).</summary>
    private void Start()
    {
        if (!IsVoter)
        {
            Role = RaftRole.Client;
            return;
        }
        if (_peers.Count == 0)
        {
            // Sole master: a new term, then lead (T2).
            Term++;
            Persist();
            BecomeLeader();
            return;
        }
        Role = RaftRole.Follower;
        // The first timeout after start gets an extra ELECTION_TIMEOUT_MAX (spec §1.3).
        _electionTicksLeft = RandomElectionTimeout() + _options.ElectionTimeoutMaxTicks;
    }

    /// <summary>A uniform integer in [min, max] (zmq-raft's randomiser is inclusive at both ends).</summary>
    private int RandomElectionTimeout() => _random.Next(_options.ElectionTimeoutMinTicks, _options.ElectionTimeoutMaxTicks + 1);

    /// <summary>
    /// zmq-raft's _refreshElectionTimeout: re-arms the timer, except that a CLIENT or a LEADER only clears it —
    /// which is why a leader deposed by a higher term is left without a timer (spec §1.3, Q4).
    /// </summary>
    private void RefreshElectionTimeout() =>
        _electionTicksLeft = Role is RaftRole.Client or RaftRole.Leader ? null : RandomElectionTimeout();

    /// <summary>True while a candidate is throttled by preventSpiralElections (spec §1.4).</summary>
    private bool SpiralPrevented => _options.PreventSpiralElections && Role == RaftRole.Candidate && _tally is { MajorityHasAnswered: false };

    /// <summary>
    /// A throttled candidate refuses every RequestVote (RAFT.md point 3) — in zmq-raft for ever. When a voter it
    /// needs can never answer (a stale node whose configuration lacks it ignores its requests, spec §1.6) and
    /// every other candidate needs its vote, the cluster deadlocks; the simulator found such joint
    /// configurations. After <see cref="RaftCoreOptions.ThrottledCandidateYieldsAfter"/> throttled timeouts it
    /// answers RequestVotes by the normal rules again (it still starts no new term itself, point 2).
    /// </summary>
    private bool RefusesVotes => SpiralPrevented && (_options.ThrottledCandidateYieldsAfter is not { } limit || _throttledTimeouts < limit);

    private int _throttledTimeouts;

    private void OnElectionTimeout()
    {
        if (SpiralPrevented)
        {
            // Partitioned candidate: no new term until a majority has answered at all (RAFT.md points 2–3).
            _throttledTimeouts++;
            _electionTicksLeft = RandomElectionTimeout();
            return;
        }
        _throttledTimeouts = 0;
        if (Role is not (RaftRole.Follower or RaftRole.Candidate))
            return;
        LeaderId = null;
        var tally = new VoteTally(_config);
        tally.Record(Id, true);
        UpdateState(RaftRole.Candidate, Term + 1, Id); // persists term and vote before any RequestVote leaves (T4)
        _tally = tally;
        if (_peers.Count == 0)
        {
            BecomeLeader();
            return;
        }
        foreach (var peer in _peers.Values)
            Send(peer, new RequestVoteRequest(peer.NextMessageId(), Id, Term, (ulong)LastIndex, LastTerm), _options.RpcTimeoutTicks, afterPersist: true);
        _electionTicksLeft = RandomElectionTimeout();
    }

    /// <summary>The receiver's rules (spec §2.1).</summary>
    private void OnRequestVote(string from, RequestVoteRequest request)
    {
        if (!IsKnownPeer(request.CandidateId, out _))
            return; // not a peer of ours: no reply at all (spec §1.6)
        if (request.Term < Term || RefusesVotes)
        {
            // A throttled candidate refuses without adopting the higher term (spec §1.4).
            _messagesNow.Add(new PeerMessage(from, new RequestVoteResponse(request.MessageId, Term, false)));
            return;
        }
        var upToDate = request.LastLogTerm > LastTerm || (request.LastLogTerm == LastTerm && (long)request.LastLogIndex >= LastIndex);
        var grant = (VotedFor is null || VotedFor == request.CandidateId || request.Term > Term || Broken(CoreFaults.GrantTwoVotesPerTerm)) && upToDate;
        if (grant || request.Term > Term)
        {
            LeaderId = null;
            UpdateState(RaftRole.Follower, request.Term, grant ? request.CandidateId : null);
            RefreshElectionTimeout(); // after the change: a deposed leader gets a timer too (zmq-raft's has none, Q4)
            _messagesAfterPersist.Add(new PeerMessage(from, new RequestVoteResponse(request.MessageId, Term, grant)));
        }
        else
        {
            _messagesNow.Add(new PeerMessage(from, new RequestVoteResponse(request.MessageId, Term, false)));
        }
    }

    /// <summary>The candidate's handling of an answer (spec §2.2.4).</summary>
    private void OnRequestVoteResponse(string from, RequestVoteResponse response)
    {
        if (!IsKnownPeer(from, out var peer) || !peer.TryTakeAnswered<RequestVoteRequest>(response.MessageId, out var sent, out _))
            return; // stale or unexpected: dropped (spec §0.2)
        if (response.Term > Term)
        {
            _tally?.Record(from, false);
            if (RefusesVotes)
                return; // the higher term is ignored while throttled (spec §1.4)
            BecomeFollower(response.Term);
            return;
        }
        if (Role == RaftRole.Candidate && sent.Term == Term && _tally is { } tally)
        {
            // A grant always carries the candidate's term (the voter adopts it); one that does not answers some
            // other request — a stale answer whose id collides with ours — and must not count as a vote.
            tally.Record(from, response.VoteGranted && response.Term == sent.Term);
            if (tally.HasWon)
                BecomeLeader();
        }
    }

    /// <summary>
    /// T9: a response carried a higher term (or a leader left its configuration). zmq-raft re-arms the timer
    /// before the state changes, so a deposed leader is left without one (Q4) and waits for someone else's
    /// election — which the simulator showed can be never (the others may all need its vote). Here the timer is
    /// armed after the change: a deposed leader can campaign like any follower. Nothing changes on the wire.
    /// </summary>
    private void BecomeFollower(ulong term)
    {
        LeaderId = null;
        // The vote is forgotten only with a new term: a leader stepping down in its own term (check-quorum, leaving
        // the configuration) keeps it, or a late RequestVote of that term could win a second leader.
        UpdateState(RaftRole.Follower, term, term == Term ? VotedFor : null);
        RefreshElectionTimeout(); // none for a CLIENT
    }
}
