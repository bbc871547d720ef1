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
                    for (var i = 0; i < _committed.Count; i++)
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
            _commitSeen[node.Id] = (node.Incarnation, core.CommitIndex);
            // The durable log holds everything up to the commit index (a node commits only what it has written).
            var commit = Math.Min(core.CommitIndex, node.Log.LastIndex);
            for (var i = 1; i <= commit; i++)
            {
                var raw = node.Log.Entries(i, i)[0].Raw.ToArray();
                if (i <= _committed.Count)
                {
                    if (!raw.AsSpan().SequenceEqual(_committed[i - 1]))
                        return $"{node.Id} committed a different entry at {i} than another node (state machine safety)";
                }
                else
                {
                    _committed.Add(raw);
                    _committedBy.Add(core.Term);
                }
            }
        }
        return CheckLogMatching(nodes);
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
        for (var a = 0; a < nodes.Count; a++)
        {
            for (var b = a + 1; b < nodes.Count; b++)
            {
                var x = nodes[a].Entries();
                var y = nodes[b].Entries();
                var n = Math.Min(x.Count, y.Count);
                // Find the highest index where the terms agree; everything before it must be identical.
                for (var i = n - 1; i >= 0; i--)
                {
                    if (x[i].Term != y[i].Term)
                        continue;
                    for (var j = 0; j <= i; j++)
                    {
                        if (!x[j].Raw.Span.SequenceEqual(y[j].Raw.Span))
                            return $"log matching: {nodes[a].Id} and {nodes[b].Id} agree on the term at {i + 1} but differ at {j + 1}";
                    }
                    break;
                }
            }
        }
        return null;
    }
}
