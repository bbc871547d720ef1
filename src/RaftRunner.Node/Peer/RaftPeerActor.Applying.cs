using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node.Applying;
using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft;
using RaftRunner.Raft.Log;

namespace RaftRunner.Node.Peer;

public sealed partial class RaftPeerActor
{
    /// <summary>Batches sent to the applier and not yet confirmed (for the leader's broadcast).</summary>
    private readonly Queue<(long First, IReadOnlyList<LogEntry> Entries)> _applying = new();
    private long _nextApplyIndex;

    /// <summary>The applier caught up to <paramref name="applied"/>: the core answers waiting clients; a leader broadcasts.</summary>
    private void OnEntriesApplied(EntriesApplied applied)
    {
        KeepOutcomes(applied.Outcomes);
        _core.Applied(applied.LastIndex);
        AnswerForwardedApplied();
        var broadcast = new List<LogEntry>();
        while (_applying.TryPeek(out var batch) && batch.First <= applied.LastIndex)
        {
            _applying.Dequeue();
            broadcast.AddRange(batch.Entries);
        }
        if (_core.Role == RaftRole.Leader && broadcast.Count > 0 && _settings.PubBindUrl is not null)
            _bridge.Tell(new Publish(new StateBroadcast(_core.Term, (ulong)applied.LastIndex, broadcast).Encode(_settings.Secret)));
        _snapshots.Tell(new Snapshots.AppliedUpTo(applied.LastIndex));
    }

    /// <summary>zmq-raft's leader publishes [secret, term, lastApplied] every broadcast interval.</summary>
    private void BroadcastHeartbeat()
    {
        if (_core.Role == RaftRole.Leader && _settings.PubBindUrl is not null)
            _bridge.Tell(new Publish(new StateBroadcast(_core.Term, (ulong)_core.LastApplied, []).Encode(_settings.Secret)));
    }

    /// <summary>A snapshot from the leader is installed: take the configuration it records (RaftRunner's envelope).</summary>
    private void OnSnapshotInstalled(SnapshotInstall install)
    {
        _log.LogInformation("installed the leader's snapshot at {Index} (term {Term})", install.Index, install.Term);
        if (_storage.InstalledConfiguration(install.Index) is { } configuration)
            _core.RestoreMembershipFromSnapshot(install.Index, configuration);
    }
}
