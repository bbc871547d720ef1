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
            SendAppendEntries(peer, manyEntries: true); // the first, empty heartbeat
        }
        if (LastTerm != Term && CommitIndex < LastIndex)
        {
            // Entries of earlier terms can only commit under an entry of this term: a CHECKPOINT (RAFT.md).
            _log.Append([LogEntry.Checkpoint(Term)]);
        }
        UpdateFollowersNow();
    }

    /// <summary>After a local append: a sole master commits at once; idle followers get the new entries (spec §3.2).</summary>
    private void UpdateFollowersNow()
    {
        if (_peers.Count == 0)
        {
            if (LastTerm == Term)
                CommitIndex = LastIndex;
            return;
        }
        foreach (var peer in _peers.Values)
        {
            if (peer.Pending is null)
                UpdateFollower(peer, previousSucceeded: true);
        }
    }

    /// <summary>Send now when entries are waiting; otherwise schedule a heartbeat (spec §3.2 updateFollower).</summary>
    private void UpdateFollower(PeerState peer, bool previousSucceeded)
    {
        if (LastIndex >= peer.NextIndex)
        {
            peer.HeartbeatIn = null;
            SendAppendEntries(peer, previousSucceeded);
        }
        else
        {
            peer.HeartbeatIn ??= _options.HeartbeatTicks;
        }
    }

    /// <summary>
    /// One AppendEntries: as many whole entries as fit in peer-msg-data-size after a success, exactly one after a
    /// rejection, none when the follower is up to date (spec §3.2). Entries leave only after this node's own write.
    /// </summary>
    private void SendAppendEntries(PeerState peer, bool manyEntries)
    {
        var prev = peer.NextIndex - 1;
        var prevTerm = _log.TermAt(prev)
            ?? throw new InvalidOperationException($"{peer.Id} needs entries before index {prev + 1}, which only a snapshot holds; InstallSnapshot is not part of the core yet");
        IReadOnlyList<LogEntry> entries = prev >= LastIndex ? []
            : manyEntries ? _log.EntriesFrom(prev + 1, _options.PeerMessageDataSize)
            : [_log.EntryAt(prev + 1)];
        var request = new AppendEntriesRequest(peer.NextMessageId(), Id, Term, (ulong)prev, prevTerm, (ulong)CommitIndex, entries);
        var timeout = entries.Count == 0 ? _options.AppendEntriesRpcTimeoutMinTicks : _options.AppendEntriesRpcTimeoutMaxTicks;
        Send(peer, request, timeout, afterPersist: entries.Count > 0);
    }

    /// <summary>The leader's handling of an answer (spec §3.3).</summary>
    private void OnAppendEntriesResponse(string from, AppendEntriesResponse response)
    {
        if (!IsKnownPeer(from, out var peer) || peer.Pending is not { Request: AppendEntriesRequest sent } || sent.MessageId != response.MessageId)
            return;
        peer.Pending = null;
        if (response.Term > Term)
        {
            BecomeFollower(response.Term);
            return;
        }
        if (Role != RaftRole.Leader || sent.Term != Term)
            return;
        if (response.Success)
        {
            var sentLast = (long)sent.PrevLogIndex + sent.Entries.Count;
            var sentLastTerm = sent.Entries.Count > 0 ? sent.Entries[^1].Term : sent.PrevLogTerm;
            peer.MatchIndex = sentLast;
            peer.NextIndex = sentLast + 1;
            // Only an entry of this term commits by counting replicas (Raft §5.4.2); the leader counts itself.
            if ((sentLastTerm == Term || Broken(CoreFaults.CommitPreviousTermByCounting)) && sentLast > CommitIndex
                && _config.HasMajority(id => id == Id || (_peers.TryGetValue(id, out var p) && p.MatchIndex >= sentLast)))
                CommitIndex = sentLast;
        }
        else
        {
            var next = (long)sent.PrevLogIndex;
            if (response.ConflictIndex is { } hint && (long)hint < next)
                next = (long)hint;
            peer.NextIndex = Math.Max(1, Math.Max(next, _log.SnapshotIndex));
        }
        UpdateFollower(peer, response.Success);
    }

    /// <summary>The follower's rules (spec §3.4), including the duplicate bounce (spec §3.5).</summary>
    private void OnAppendEntries(string from, AppendEntriesRequest request)
    {
        if (!IsKnownPeer(request.LeaderId, out var leader))
            return;
        if (leader.LastRequestId == request.MessageId)
        {
            if (leader.LastReply is { } previous)
                _messagesNow.Add(new PeerMessage(from, previous)); // the same request again: the same answer
            return;
        }
        leader.LastRequestId = request.MessageId;
        leader.LastReply = null;
        if (request.Term < Term)
        {
            Reply(leader, from, new AppendEntriesResponse(request.MessageId, Term, false), afterPersist: false);
            return;
        }
        _electionTicksLeft = null;
        LeaderId = request.LeaderId;
        var prev = (long)request.PrevLogIndex;
        UpdateState(RaftRole.Follower, request.Term, request.Term > Term ? null : VotedFor);
        AppendEntriesResponse answer;
        if (_log.TermAt(prev) == request.PrevLogTerm)
        {
            AppendNewEntries(prev, request.Entries);
            // Commit only what this message proved matches the leader (prev + its entries), never a stale tail.
            var lastNew = prev + request.Entries.Count;
            if ((long)request.CommitIndex > CommitIndex && lastNew > CommitIndex)
                CommitIndex = Math.Min((long)request.CommitIndex, lastNew);
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
                _log.TruncateAfter(index - 1);
                break;
            }
        }
        if (first < entries.Count)
            _log.Append(first == 0 ? entries : entries.Skip(first).ToArray());
    }

    private void Reply(PeerState leader, string to, AppendEntriesResponse answer, bool afterPersist)
    {
        leader.LastReply = answer;
        (afterPersist ? _messagesAfterPersist : _messagesNow).Add(new PeerMessage(to, answer));
    }
}
