using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node.Applying;
using RaftRunner.Node.Storage;

namespace RaftRunner.Node.Snapshots;

/// <summary>→ snapshot manager: the state machine has applied everything up to <see cref="Index"/>.</summary>
public sealed record AppliedUpTo(long Index);

/// <summary>
/// Decides when this node snapshots its state machine and compacts its log: after every
/// <c>raft-runner.storage.snapshot-interval</c> applied entries it asks the applier for a snapshot (written beside
/// the current one and renamed into place), then has the log writer take it as the log's new start and, with
/// <c>prune-log-files</c>, delete the index files below MIN(snapshot, PRUNE INDEX). One snapshot at a time; a failed one is retried at the next interval.
/// Received snapshots are not its business: their chunks are ordered with the log writes of the same Ready, so
/// the log writer installs them (docs/threading.md).
/// </summary>
public sealed class SnapshotManagerActor : ReceiveActor
{
    private readonly ILogger _log;
    private long _lastSnapshotIndex;
    private bool _inProgress;

    public SnapshotManagerActor(NodeStorage storage, long interval, IActorRef applier, IActorRef logWriter, bool pruneFiles = true)
    {
        _log = Context.GetLogger();
        _lastSnapshotIndex = storage.SnapshotId.Index;
        Receive<AppliedUpTo>(a =>
        {
            // A snapshot installed from the leader counts too: the log starts after it already.
            _lastSnapshotIndex = Math.Max(_lastSnapshotIndex, storage.SnapshotId.Index);
            if (interval <= 0 || _inProgress || a.Index - _lastSnapshotIndex < interval)
                return;
            _inProgress = true;
            applier.Tell(new TakeSnapshot(storage.TakenSnapshotPath));
        });
        Receive<SnapshotTaken>(t =>
        {
            _lastSnapshotIndex = t.Index;
            logWriter.Tell(new CompactLog(t.Path, pruneFiles));
        });
        Receive<LogCompacted>(c =>
        {
            _inProgress = false;
            if (c.Used)
                _log.LogInformation("snapshot at {Index}: log compacted{Pruned}", c.SnapshotIndex, pruneFiles ? ", files below MIN(snapshot, prune index) deleted" : "");
            else
                _log.LogInformation("own snapshot dropped: the leader's at {Index} was installed meanwhile", c.SnapshotIndex);
        });
        Receive<SnapshotFailed>(f =>
        {
            _inProgress = false;
            _log.LogWarning("snapshot failed, retried after the next interval: {Reason}", f.Reason);
        });
    }

    public static Props Props(NodeStorage storage, long interval, IActorRef applier, IActorRef logWriter, bool pruneFiles = true) =>
        Actors.Props.Create(() => new SnapshotManagerActor(storage, interval, applier, logWriter, pruneFiles));
}
