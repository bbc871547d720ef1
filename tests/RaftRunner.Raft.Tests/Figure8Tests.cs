using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Tests.Harness;

namespace RaftRunner.Raft.Tests;

/// <summary>
/// Figure 8 of the Raft paper (§5.4.2): an entry of an earlier term is not committed by counting replicas,
/// however many there are; it commits only under an entry of the leader's own term — here the CHECKPOINT a
/// new leader appends (RAFT.md "Checkpointing").
/// </summary>
public sealed class Figure8Tests
{
    private static LogEntry E(ulong term, byte value) => LogEntry.Create(RequestId.Zero, LogEntryType.State, term, [value]);

    [Fact]
    public void An_earlier_term_entry_on_a_majority_is_not_committed_until_an_entry_of_the_current_term_is()
    {
        // s1 led term 2 and wrote index 2 only to itself; s2 and s3 have index 1. s1 wins term 4.
        var cluster = new TestCluster(new Dictionary<string, (HardState, LogEntry[], long)>
        {
            ["s1"] = (new HardState(3, null), [E(1, 1), E(2, 2)], 1),
            ["s2"] = (new HardState(3, null), [E(1, 1)], 1),
            ["s3"] = (new HardState(3, null), [E(1, 1)], 1),
        });
        var s1 = cluster.Nodes["s1"];
        cluster.Cut("s2", "s3"); // s2 and s3 cannot elect each other; s1 (the more up-to-date log) refuses them
        // Hold back the CHECKPOINT (of the new term) for now: only the term-2 entry may travel.
        cluster.Drop = (from, _, message) => from == "s1" && message is AppendEntriesRequest r && r.Entries.Any(e => e.Term > 2);
        cluster.RunUntil(() => s1.Core.Role == RaftRole.Leader, 3000);
        Assert.True(s1.Core.Term >= 4);
        cluster.RunUntil(() => cluster.Nodes["s2"].Log.LastIndex >= 2 && cluster.Nodes["s3"].Log.LastIndex >= 2, 500);
        // A majority (all three) holds the term-2 entry, yet it is not committed.
        cluster.Run(50);
        Assert.Equal(1, s1.Core.CommitIndex);
        // Let the CHECKPOINT of term 4 through: it commits, and index 2 with it.
        cluster.Drop = null;
        cluster.RunUntil(() => s1.Core.CommitIndex >= 3, 500);
        Assert.Equal(LogEntryType.Checkpoint, s1.Log.Entries(3, 3)[0].Type);
    }
}
