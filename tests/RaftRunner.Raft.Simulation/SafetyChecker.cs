using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.Raft.Simulation;

/// <summary>
/// Raft's safety properties, checked after every step: one leader per term; log matching (same index and term
/// means the same entry and the same prefix); committed entries never change and every node's committed prefix
/// agrees (state machine safety); a new leader holds every committed entry (leader completeness); a live
/// node's commit index never goes back.
/// </summary>
public sealed class SafetyChecker
{
    private readonly Dictionary<ulong, string> _leaderOfTerm = [];
    private readonly List<byte[]> _committed = [];
    private readonly List<ulong> _committedBy = []; // the term of the node that first showed the entry committed
    private readonly Dictionary<string, (int Incarnation, long Commit)> _commitSeen = [];

    public string? Check(IReadOnlyList<SimNode> nodes, int now)
    {
        foreach (var node in nodes.Where(n => n.IsUp))
        {
            var core = node.Core!;
            if (core.Role == RaftRole.Leader)
            {
                if (_leaderOfTerm.TryGetValue(core.Term, out var other) && other != node.Id)
                    return $"two leaders in term {core.Term}: {other} and {node.Id}";
                if (!_leaderOfTerm.ContainsKey(core.Term))
                {
                    _leaderOfTerm[core.Term] = node.Id;
                    // Leader completeness: an entry committed in term T is in the log of every leader of a term
                    // after T. (A late leader of an older term — elected by a delayed vote — need not have it, and
                    // cannot commit anything over the newer term.)
                    for (var i = (int)node.Log.SnapshotIndex; i < _committed.Count; i++)
                    {
                        if (_committedBy[i] >= core.Term)
                            continue;
                        if (node.Log.LastIndex <= i || !node.Log.Entries(i + 1, i + 1)[0].Raw.Span.SequenceEqual(_committed[i]))
                            return $"leader {node.Id} of term {core.Term} lacks entry {i + 1}, committed in term {_committedBy[i]}";
                    }
                }
            }
            if (_commitSeen.TryGetValue(node.Id, out var seen) && seen.Incarnation == node.Incarnation && core.CommitIndex < seen.Commit)
                return $"{node.Id}'s commit index went back from {seen.Commit} to {core.CommitIndex}";
            // Raft §5.4.2 (Figure 8): a leader moves its commit index only onto an entry of its own term. (A node
            // learns commit as a follower only from a leader's AppendEntries, which a tick's election cannot follow
            // within the same step, so a rise seen on a leader is the leader's own doing.)
            if (core.Role == RaftRole.Leader && seen.Incarnation == node.Incarnation && core.CommitIndex > seen.Commit
                && node.Log.TermAt(core.CommitIndex) is { } committedTerm && committedTerm != core.Term)
                return $"leader {node.Id} of term {core.Term} committed index {core.CommitIndex} of term {committedTerm} (only entries of its own term commit by counting)";
            _commitSeen[node.Id] = (node.Incarnation, core.CommitIndex);
            // The durable log holds everything up to the commit index (a node commits only what it has written);
            // below its snapshot only the state machine (checked next) holds the entries.
            var commit = Math.Min(core.CommitIndex, node.Log.LastIndex);
            for (var i = node.Log.SnapshotIndex + 1; i <= commit; i++)
            {
                if (Record(i, node.Log.Entries(i, i)[0].Raw.ToArray(), core.Term) is { } mismatch)
                    return $"{node.Id} committed a different entry at {i} than another node had ({mismatch}: state machine safety)";
            }
            // Every node applies the same entry at each index (what it applied was committed).
            for (var i = 0; i < node.StateMachine.Count; i++)
            {
                if (Record(i + 1, node.StateMachine[i], core.Term) is { } mismatch)
                    return $"{node.Id} applied a different entry at {i + 1} than another node ({mismatch}: state machine safety)";
            }
        }
        return CheckLogMatching(nodes);
    }

    /// <summary>Records the committed entry at <paramref name="index"/> (1-based); a description when it differs from the one known.</summary>
    private string? Record(long index, byte[] raw, ulong term)
    {
        if (index <= _committed.Count)
            return raw.AsSpan().SequenceEqual(_committed[(int)index - 1]) ? null : "differs from the entry recorded";
        if (index > _committed.Count + 1)
            return null; // a gap (a node that restored a snapshot is ahead of what was seen): recorded when reached in order
        _committed.Add(raw);
        _committedBy.Add(term);
        return null;
    }

    /// <summary>No confirmed update is lost: once committed entries reach its index, the entry there carries its request id.</summary>
    public string? CheckAcknowledged(IReadOnlyDictionary<RequestId, long> acknowledged)
    {
        foreach (var (id, index) in acknowledged)
        {
            if (index > _committed.Count)
                continue;
            if (LogEntryId(_committed[(int)index - 1]) != id)
                return $"update {id} was confirmed at {index} but the committed entry there is another";
        }
        var seen = new HashSet<RequestId>();
        foreach (var raw in _committed)
        {
            var id = LogEntryId(raw);
            if (id != RequestId.Zero && raw[12] == (byte)LogEntryType.State && !seen.Add(id))
                return $"request {id} is committed twice";
        }
        return null;
    }

    private static RequestId LogEntryId(byte[] raw) => RequestId.FromBytes(raw.AsSpan(0, RequestId.Length));

    private static string? CheckLogMatching(IReadOnlyList<SimNode> nodes)
    {
        var logs = nodes.Select(n => n.Entries()).ToArray();
        for (var a = 0; a < nodes.Count; a++)
        {
            for (var b = a + 1; b < nodes.Count; b++)
            {
                var (xFirst, x) = logs[a];
                var (yFirst, y) = logs[b];
                var first = Math.Max(xFirst, yFirst);
                var last = Math.Min(xFirst + x.Count, yFirst + y.Count) - 1;
                // Find the highest index both hold where the terms agree; everything both hold before it must be identical.
                for (var i = last; i >= first; i--)
                {
                    if (x[(int)(i - xFirst)].Term != y[(int)(i - yFirst)].Term)
                        continue;
                    for (var j = first; j <= i; j++)
                    {
                        if (!x[(int)(j - xFirst)].Raw.Span.SequenceEqual(y[(int)(j - yFirst)].Raw.Span))
                            return $"log matching: {nodes[a].Id} and {nodes[b].Id} agree on the term at {i} but differ at {j}";
                    }
                    break;
                }
            }
        }
        return null;
    }
}
