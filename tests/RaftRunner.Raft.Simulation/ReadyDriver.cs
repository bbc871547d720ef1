using RaftRunner.Protocol;
using RaftRunner.Raft.Log;

namespace RaftRunner.Raft.Simulation;

/// <summary>
/// Carries out a core's Readies in the contract's order, with in-memory durability: send what may go now,
/// persist hard state and log, send what waited for that, answer clients, apply committed entries, advance.
/// The simulator and the unit-test cluster share it, so the order lives in one place.
/// </summary>
public static class ReadyDriver
{
    public static void Drain(
        RaftCore core,
        InMemoryRaftLog log,
        Action<HardState> persist,
        Action<PeerMessage> send,
        Action<ClientReply> reply,
        Action<IReadOnlyList<LogEntry>> apply)
    {
        while (core.HasReady)
        {
            var ready = core.GetReady();
            foreach (var m in ready.MessagesNow)
                send(m);
            if (ready.HardState is { } hard)
                persist(hard);
            if (ready.LogWrite is { } write)
                log.Write(write.TruncateAfter, write.Entries);
            foreach (var m in ready.MessagesAfterPersist)
                send(m);
            foreach (var r in ready.Replies)
                reply(r);
            if (ready.CommittedEntries.Count > 0)
            {
                apply(ready.CommittedEntries);
                core.Applied(core.LastApplied + ready.CommittedEntries.Count);
            }
            core.Advance(ready);
        }
    }
}
