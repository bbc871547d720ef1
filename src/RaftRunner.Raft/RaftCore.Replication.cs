using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Progress;

namespace RaftRunner.Raft;

public sealed partial class RaftCore
{
    /// <summary>
    /// Appends an entry as leader (the request handlers and the runner call this) and starts replicating it.
    /// Returns the entry's index.
    /// </summary>
    public long Propose(LogEntry entry)
    {
        if (Role != RaftRole.Leader)
            throw new InvalidOperationException($"only the leader appends entries; this node is {Role}");
        if (_transfer is not null)
            throw new InvalidOperationException($"leadership is being handed to {_transfer.Value.Target}; new entries wait for the new leader");
        if (entry.Term != Term)
            throw new ArgumentException($"a new entry must carry the current term {Term}, not {entry.Term}", nameof(entry));
        _log.Append([entry]);
        UpdateFollowersNow();
        return LastIndex;
    }

    /// <summary>becomeLeader (spec §3.1) and the checkpoint rule (spec §4).</summary>
    private void BecomeLeader()
    {
        _electionTicksLeft = null;
        UpdateState(RaftRole.Leader, Term, VotedFor);
        LeaderId = Id;
        _tally = null;
        foreach (var peer in _peers.Values)
        {
            peer.NextIndex = LastIndex + 1;
            peer.MatchIndex = 0;
            peer.Probing = true;
            peer.AckedRound = 0;
            peer.RecentlyActive = false;
            _ = SendAppendEntries(peer, manyEntries: true); // the first, empty heartbeat
        }
        if (LastTerm != Term && CommitIndex < LastIndex)
        {
            // Entries of earlier terms can only commit under an entry of this term: a CHECKPOINT (RAFT.md).
            _log.Append([LogEntry.Checkpoint(Term)]);
        }
        UpdateFollowersNow();
        // zmq-raft moves from a committed Cold,new to Cnew only at a later commit advance, so a new leader with
        // nothing to commit stays joint (Q8); moving on here needs nothing new on the wire.
        if (Role == RaftRole.Leader)
            MaybeAppendFinalConfig();
    }

    /// <summary>After a local append: a sole master commits at once; idle followers get the new entries (spec §3.2).</summary>
    private void UpdateFollowersNow()
    {
        if (_peers.Count == 0)
        {
            if (LastTerm == Term && LastIndex > CommitIndex)
            {
                CommitIndex = LastIndex;
                NoteCommittedConfiguration();
                OnLeaderCommitAdvanced();
            }
            return;
        }
        foreach (var peer in _peers.Values)
            UpdateFollower(peer);
    }

    /// <summary>
    /// Send now when entries are waiting and the window has room; otherwise schedule a heartbeat (spec §3.2
    /// updateFollower). The window is one message (zmq-raft) unless the peer takes pipelining; a probing peer
    /// (after a rejection) gets one single-entry message at a time; a snapshot transfer is one chunk at a time.
    /// </summary>
    private void UpdateFollower(PeerState peer)
    {
        var window = peer.Probing || peer.Snapshot is not null ? 1 : WindowOf(peer);
        if (IsWithheld(peer))
            return;
        while (peer.InFlight.Count < window && LastIndex >= peer.NextIndex)
        {
            peer.HeartbeatIn = null;
            if (!SendAppendEntries(peer, manyEntries: !peer.Probing) || peer.Snapshot is not null)
                return;
        }
        if (peer.IsIdle)
        {
            // A read waiting for this round of confirmations does not wait for the heartbeat interval.
            if (peer.AckedRound < _readRound && HasPendingReads)
                _ = SendAppendEntries(peer, manyEntries: true);
            else
                peer.HeartbeatIn ??= _options.HeartbeatTicks;
        }
    }

    private int WindowOf(PeerState peer) => _options.PipelinedPeers.Contains(peer.Id) ? _options.AppendEntriesWindow : 1;

    /// <summary>
    /// One AppendEntries: as many whole entries as fit in peer-msg-data-size after a success, exactly one after a
    /// rejection, none when the follower is up to date (spec §3.2). Entries leave only after this node's own write.
    /// </summary>
    private bool SendAppendEntries(PeerState peer, bool manyEntries)
    {
        var prev = peer.NextIndex - 1;
        if (prev < _log.SnapshotIndex || _log.TermAt(prev) is not { } prevTerm)
            return SendSnapshotChunk(peer, 0); // the entries it needs are only in the snapshot (spec §5.1)
        IReadOnlyList<LogEntry> entries = prev >= LastIndex ? []
            : manyEntries ? _log.EntriesFrom(prev + 1, _options.PeerMessageDataSize)
            : [_log.EntryAt(prev + 1)];
        var request = new AppendEntriesRequest(peer.NextMessageId(), Id, Term, (ulong)prev, prevTerm, (ulong)CommitIndex, entries);
        var timeout = entries.Count == 0 ? _options.AppendEntriesRpcTimeoutMinTicks : _options.AppendEntriesRpcTimeoutMaxTicks;
        Send(peer, request, timeout, afterPersist: entries.Count > 0);
        peer.NextIndex = prev + entries.Count + 1; // optimistic: the next message continues after these
        return true;
    }

    /// <summary>The leader's handling of an answer (spec §3.3).</summary>
    private void OnAppendEntriesResponse(string from, AppendEntriesResponse response)
    {
        if (!TakeLeaderAnswer<AppendEntriesRequest>(from, response.MessageId, response.Term, s => s.Term, out var peer, out var sent))
            return;
        if (response.Success)
        {
            var sentLast = (long)sent.PrevLogIndex + sent.Entries.Count;
            peer.Probing = false;
            Replicated(peer, sentLast, sent.Entries.Count > 0 ? sent.Entries[^1].Term : sent.PrevLogTerm);
            if (Role != RaftRole.Leader || !_peers.ContainsKey(peer.Id))
                return; // stepped down, or the peer left with Cnew
        }
        else
        {
            var next = (long)sent.PrevLogIndex;
            if (response.ConflictIndex is { } hint && (long)hint < next)
                next = (long)hint;
            // Below the first index the snapshot goes instead (zmq-raft clamps to firstIndex − 1 here).
            peer.NextIndex = Math.Max(1, next);
            peer.Probing = true;
            peer.InFlight.Clear(); // later messages of the window followed the rejected one: their answers are moot
        }
        UpdateFollower(peer);
    }

    /// <summary>
    /// The common start of a leader's handling of an answer: it must answer a request in flight (else it is stale
    /// and dropped, spec §0.2); a higher term deposes the leader (T9); an answer to a request of an older term, or
    /// one that arrives after stepping down, changes nothing. Otherwise the peer is heard from (check-quorum,
    /// ReadIndex) and the request it answers is returned.
    /// </summary>
    private bool TakeLeaderAnswer<T>(string from, uint messageId, ulong term, Func<T, ulong> termOf, out PeerState peer, out T sent)
    {
        sent = default!;
        if (!IsKnownPeer(from, out peer) || !peer.TryTakeAnswered(messageId, out sent, out var rpc))
            return false;
        if (term > Term)
        {
            BecomeFollower(term);
            return false;
        }
        if (Role != RaftRole.Leader || termOf(sent) != Term)
            return false;
        Heard(peer, rpc);
        return true;
    }

    /// <summary>
    /// A follower holds everything up to <paramref name="sentLast"/>: record it and commit by counting. Only an
    /// entry of this term commits by counting replicas (Raft §5.4.2; zmq-raft checks just this index, Q26); the
    /// leader counts itself when it is a member.
    /// </summary>
    private void Replicated(PeerState peer, long sentLast, ulong sentLastTerm)
    {
        // zmq-raft assigns (Q25); with one message in flight that is the same as the maximum, which a pipelining
        // window needs (answers to earlier messages may follow later ones).
        peer.MatchIndex = Math.Max(peer.MatchIndex, sentLast);
        peer.NextIndex = Math.Max(peer.NextIndex, sentLast + 1);
        if ((sentLastTerm == Term || Broken(CoreFaults.CommitPreviousTermByCounting)) && sentLast > CommitIndex
            && _config.HasMajority(id => id == Id || (_peers.TryGetValue(id, out var p) && p.MatchIndex >= sentLast)))
        {
            CommitIndex = sentLast;
            NoteCommittedConfiguration();
            OnLeaderCommitAdvanced();
        }
    }

    /// <summary>The follower's rules (spec §3.4), including the duplicate bounce (spec §3.5).</summary>
    private void OnAppendEntries(string from, AppendEntriesRequest request)
    {
        if (!IsKnownPeer(request.LeaderId, out var leader))
        {
            NoteUnknownLeader(request.LeaderId, request.Term);
            return;
        }
        if (IsDuplicate(leader, from, request.MessageId))
            return;
        if (request.Term < Term)
        {
            Reply(leader, from, new AppendEntriesResponse(request.MessageId, Term, false), afterPersist: false);
            return;
        }
        _electionTicksLeft = null;
        LeaderId = request.LeaderId;
        UnknownLeader = null;
        var prev = (long)request.PrevLogIndex;
        var entries = request.Entries;
        var prevTerm = request.PrevLogTerm;
        UpdateState(RaftRole.Follower, request.Term, request.Term > Term ? null : VotedFor);
        if (prev < _log.SnapshotIndex)
            (prev, prevTerm, entries) = SkipSnapshotCovered(prev, entries);
        AppendEntriesResponse answer;
        if (_log.TermAt(prev) == prevTerm)
        {
            AppendNewEntries(prev, entries);
            // Commit only what this message proved matches the leader (prev + its entries), never a stale tail.
            var lastNew = prev + entries.Count;
            if ((long)request.CommitIndex > CommitIndex && lastNew > CommitIndex)
            {
                CommitIndex = Math.Min((long)request.CommitIndex, lastNew);
                NoteCommittedConfiguration();
            }
            answer = new AppendEntriesResponse(request.MessageId, Term, true);
        }
        else
        {
            // Only a log that is too short gets a hint; a term mismatch steps back one entry at a time (spec Q1).
            answer = new AppendEntriesResponse(request.MessageId, Term, false, LastIndex < prev ? (ulong)(LastIndex + 1) : null);
        }
        Reply(leader, from, answer, afterPersist: true);
        RefreshElectionTimeout();
    }

    /// <summary>
    /// Entries up to the snapshot's index are committed and in the snapshot: a message that starts before it is
    /// checked against the snapshot's term there and continues from it (zmq-raft would refuse such a message).
    /// </summary>
    private (long Prev, ulong PrevTerm, IReadOnlyList<LogEntry> Entries) SkipSnapshotCovered(long prev, IReadOnlyList<LogEntry> entries)
    {
        var covered = _log.SnapshotIndex - prev;
        if (entries.Count < covered)
            return (_log.SnapshotIndex, _log.SnapshotTerm, []); // all inside the snapshot: nothing to do, and a match
        var atSnapshot = entries[(int)covered - 1].Term;
        if (atSnapshot != _log.SnapshotTerm)
            throw new RaftFatalException($"the leader's entry at {_log.SnapshotIndex} (term {atSnapshot}) conflicts with this node's snapshot (term {_log.SnapshotTerm})");
        return (_log.SnapshotIndex, _log.SnapshotTerm, entries.Skip((int)covered).ToArray());
    }

    /// <summary>
    /// AppendEntries and InstallSnapshot share one debounce slot per leader (spec §3.5, Q28): the same request
    /// again gets the same answer, or nothing while the first is still being persisted.
    /// </summary>
    private bool IsDuplicate(PeerState leader, string from, uint messageId)
    {
        if (leader.LastRequestId == messageId)
        {
            if (leader.LastReply is { } previous)
                _messagesNow.Add(new PeerMessage(from, previous));
            return true;
        }
        leader.LastRequestId = messageId;
        leader.LastReply = null;
        return false;
    }

    /// <summary>
    /// Raft §5.3: keep entries that are already there with the same term, cut the log at the first conflict, append
    /// the rest. zmq-raft instead truncates after prevIndex on every success and treats prevIndex below the commit
    /// index as fatal (spec Q2, Q3), which a delayed or resent message can trigger on a healthy node; on the wire
    /// both are the same, and only a conflict with a committed entry — a real safety breach — is fatal here.
    /// </summary>
    private void AppendNewEntries(long prev, IReadOnlyList<LogEntry> entries)
    {
        var first = 0;
        for (; first < entries.Count; first++)
        {
            var index = prev + 1 + first;
            var existing = _log.TermAt(index);
            if (existing is null)
                break;
            if (existing != entries[first].Term)
            {
                if (index <= CommitIndex)
                    throw new RaftFatalException($"the leader's entry at {index} (term {entries[first].Term}) conflicts with the committed entry there (term {existing}); refusing to truncate below the commit index {CommitIndex}");
                RollBackMembershipAfter(index - 1);
                _log.TruncateAfter(index - 1);
                break;
            }
        }
        if (first < entries.Count)
        {
            var appended = first == 0 ? entries : entries.Skip(first).ToArray();
            _log.Append(appended);
            ApplyAppendedConfig(prev + 1 + first, appended);
        }
    }

    private void Reply(PeerState leader, string to, object answer, bool afterPersist)
    {
        leader.LastReply = answer;
        (afterPersist ? _messagesAfterPersist : _messagesNow).Add(new PeerMessage(to, answer));
    }
}
