using RaftRunner.Protocol;
using RaftRunner.Raft.Log;

namespace RaftRunner.Raft.Simulation;

/// <summary>
/// Carries out a core's Readies in the contract's order, with in-memory durability: send what may go now,
/// write snapshot chunks, persist log (installing a finished snapshot first), hard state and membership, send
/// what waited for that, answer clients, restore a snapshot and apply committed entries, advance. The
/// simulator and the unit-test cluster share it, so the order lives in one place.
/// </summary>
public static class ReadyDriver
{
    public static void Drain(
        RaftCore core,
        DurableStore store,
        Action<PeerMessage> send,
        Action<ClientReply> reply,
        Action<IReadOnlyList<LogEntry>> apply,
        Action<SnapshotInstall>? restore = null)
    {
        while (core.HasReady)
        {
            var ready = core.GetReady();
            foreach (var m in ready.MessagesNow)
                send(m);
            foreach (var chunk in ready.SnapshotWrites)
                store.WriteChunk(chunk);
            if (ready.LogWrite is { } write)
            {
                store.Write(write);
                if (write.InstallSnapshot is { } installed && store.InstalledConfiguration is { } configuration)
                    core.RestoreMembershipFromSnapshot(installed.Index, configuration);
            }
            if (ready.HardState is { } hard)
                store.Hard = hard;
            if (ready.Membership is { } membership)
                store.Membership = membership;
            foreach (var m in ready.MessagesAfterPersist)
                send(m);
            foreach (var r in ready.Replies)
                reply(r);
            if (ready.SnapshotToApply is { } snapshot)
            {
                if (restore is null)
                    throw new InvalidOperationException("a snapshot must be restored but this host cannot");
                restore(snapshot);
                core.Applied(snapshot.Index);
            }
            if (ready.CommittedEntries.Count > 0)
            {
                apply(ready.CommittedEntries);
                core.Applied(core.LastApplied + ready.CommittedEntries.Count);
            }
            core.Advance(ready);
        }
    }
}
