using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Progress;

namespace RaftRunner.Raft;

/// <summary>
/// InstallSnapshot (spec §5): the leader sends its snapshot in chunks of peer-msg-data-size to a follower whose
/// next index is below the log's first index; the follower writes chunks in order, tells the leader where to
/// resume when an offset does not follow on, and installs the snapshot when the last byte is written.
/// </summary>
public sealed partial class RaftCore
{
    private List<SnapshotChunkWrite> _snapshotWrites = [];
    private IncomingSnapshot? _incoming;

    /// <summary>The follower's temporary snapshot: it lives for the life of the process, as zmq-raft's does.</summary>
    private sealed class IncomingSnapshot(long index, ulong term, long size)
    {
        public long Index { get; } = index;

        public ulong Term { get; } = term;

        public long Size { get; } = size;

        public long Written { get; set; }
    }

    /// <summary>One chunk from <paramref name="position"/> (from 0 when the snapshot is new to this transfer).</summary>
    private bool SendSnapshotChunk(PeerState peer, long position)
    {
        if (_log.HasInstalledSnapshotPending)
        {
            // This node's own snapshot is not in its store yet (it just arrived from a former leader): try later.
            peer.HeartbeatIn = _options.HeartbeatTicks;
            return false;
        }
        var index = _log.SnapshotIndex;
        var term = _log.SnapshotTerm;
        var size = _log.SnapshotSize;
        if (peer.Snapshot is not { } transfer || transfer.Index != index || transfer.Term != term || transfer.Size != size)
        {
            // A new transfer, or the log was compacted meanwhile: (re)start with the current snapshot (spec §5.1).
            peer.Snapshot = new SnapshotTransfer(index, term, size);
            position = 0;
        }
        position = Math.Clamp(position, 0, size);
        var chunk = _log.ReadSnapshot(position, (int)Math.Min(size - position, _options.PeerMessageDataSize));
        var request = new InstallSnapshotRequest(peer.NextMessageId(), Id, Term, (ulong)index, term, (ulong)position, (ulong)size, chunk);
        Send(peer, request, _options.AppendEntriesRpcTimeoutMaxTicks, afterPersist: false);
        return true;
    }

    /// <summary>The leader's handling of an answer (spec §5.1): done → like an AppendEntries success; else the next chunk.</summary>
    private void OnInstallSnapshotResponse(string from, InstallSnapshotResponse response)
    {
        if (!TakeLeaderAnswer<InstallSnapshotRequest>(from, response.MessageId, response.Term, s => s.Term, out var peer, out var sent))
            return;
        var end = sent.Offset + (ulong)sent.Chunk.Length;
        if (end == sent.TotalSize && response.NextOffset is null)
        {
            peer.Snapshot = null;
            peer.Probing = false;
            Replicated(peer, (long)sent.LastIncludedIndex, sent.LastIncludedTerm);
            if (Role == RaftRole.Leader && _peers.ContainsKey(peer.Id))
                UpdateFollower(peer);
            return;
        }
        // A follower may move the leader backwards or forwards (its resume point).
        _ = SendSnapshotChunk(peer, (long)Math.Min(response.NextOffset ?? end, long.MaxValue));
    }

    /// <summary>The follower's rules (spec §5.2).</summary>
    private void OnInstallSnapshot(string from, InstallSnapshotRequest request)
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
            Reply(leader, from, new InstallSnapshotResponse(request.MessageId, Term), afterPersist: false);
            return;
        }
        _electionTicksLeft = null;
        LeaderId = request.LeaderId;
        UpdateState(RaftRole.Follower, request.Term, request.Term > Term ? null : VotedFor);
        var index = (long)Math.Min(request.LastIncludedIndex, long.MaxValue);
        var size = (long)Math.Min(request.TotalSize, long.MaxValue);
        if (index <= Math.Max(CommitIndex, _log.SnapshotIndex))
        {
            // Nothing newer than what this node has committed (a transfer that started before it caught up, or a
            // snapshot of its own): skip to the end instead of installing it over a longer log — zmq-raft would
            // discard its log for it. The leader then goes on with entries after the snapshot's index.
            if (_log.TermAt(index) is { } held && held != request.LastIncludedTerm)
                throw new RaftFatalException($"the leader's snapshot at {index} (term {request.LastIncludedTerm}) conflicts with the committed entry there (term {held})");
            var done = request.Offset + (ulong)request.Chunk.Length >= request.TotalSize;
            Reply(leader, from, new InstallSnapshotResponse(request.MessageId, Term, done ? null : request.TotalSize), afterPersist: true);
            RefreshElectionTimeout();
            return;
        }
        if (_incoming is not { } incoming || incoming.Index != index || incoming.Term != request.LastIncludedTerm || incoming.Size != size)
            _incoming = incoming = new IncomingSnapshot(index, request.LastIncludedTerm, size);
        ulong? resumeAt = null;
        if ((ulong)incoming.Written != request.Offset || request.Offset + (ulong)request.Chunk.Length > request.TotalSize)
        {
            resumeAt = (ulong)incoming.Written; // not where we are: ask the leader to continue from here
        }
        else
        {
            _snapshotWrites.Add(new SnapshotChunkWrite(index, request.LastIncludedTerm, size, incoming.Written, request.Chunk));
            incoming.Written += request.Chunk.Length;
            if (incoming.Written == size)
                InstallIncomingSnapshot(incoming);
        }
        Reply(leader, from, new InstallSnapshotResponse(request.MessageId, Term, resumeAt), afterPersist: true);
        RefreshElectionTimeout();
    }

    /// <summary>
    /// The last chunk is written: install. Neither the commit index nor the state machine moves here; the next
    /// AppendEntries moves the commit index and the snapshot is handed out for applying then (spec §5.2, Q33).
    /// </summary>
    private void InstallIncomingSnapshot(IncomingSnapshot snapshot)
    {
        _incoming = null;
        _log.InstallSnapshot(snapshot.Index, snapshot.Term);
    }
}
