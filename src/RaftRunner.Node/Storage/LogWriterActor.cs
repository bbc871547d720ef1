using Microsoft.Extensions.Logging;
using RaftRunner.Actors;

namespace RaftRunner.Node.Storage;

/// <summary>
/// Writes the node's durable state (<see cref="NodeStorage"/>) for the Raft peer, with group commit: a Persist is
/// buffered and a flush is queued behind whatever is already in the mailbox, so every job that arrived while the
/// last batch was syncing goes into the next batch — one fdatasync per index file for all of them.
/// If the actor fails and is restarted, the jobs it was holding are queued again in order: each job is
/// idempotent (a log write names the index it truncates after, hard state and membership are whole values,
/// snapshot chunks already written are skipped), so a restart loses nothing and writes nothing twice.
/// Every 10 s it forgets expired request ids (as zmq-raft does), which lets the PRUNE INDEX advance.
/// </summary>
public sealed class LogWriterActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ExpiryInterval = TimeSpan.FromSeconds(10);

    private readonly NodeStorage _storage;
    private readonly List<(Persist Job, IActorRef ReplyTo)> _buffer = [];
    private readonly ILogger _log;
    private bool _flushQueued;

    public LogWriterActor(NodeStorage storage)
    {
        _storage = storage;
        _log = Context.GetLogger();
        Receive<Persist>(p =>
        {
            _buffer.Add((p, Sender));
            if (!_flushQueued)
            {
                _flushQueued = true;
                Self.Tell(Flush.Instance);
            }
        });
        Receive<Flush>(_ => WriteBuffered());
        Receive<ExpireRequestIds>(_ => _storage.Log.RemoveExpiredRequestIds());
        Receive<FailForTest>(_ => throw new InvalidOperationException("log writer failure injected by a test"));
        Receive<GetBatchCount>(_ => Sender.Tell(_batches));
        Receive<WriteBarrier>(_ =>
        {
            WriteBuffered();
            Sender.Tell(WriteBarrierPassed.Instance);
        });
        Receive<CompactLog>(c =>
        {
            WriteBuffered(); // jobs before it first: the snapshot covers only what they made durable
            if (c.PruneFiles)
                _storage.Log.RemoveExpiredRequestIds(); // what may be deleted follows the freshest PRUNE INDEX
            var used = _storage.SnapshotTaken(c.SnapshotPath, c.PruneFiles);
            Sender.Tell(new LogCompacted(_storage.Log.SnapshotIndex, used));
        });
    }

    public static Props Props(NodeStorage storage) => Actors.Props.Create(() => new LogWriterActor(storage));

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer(ExpireRequestIds.Instance, ExpireRequestIds.Instance, ExpiryInterval);

    private sealed class ExpireRequestIds
    {
        public static readonly ExpireRequestIds Instance = new();
    }

    private long _batches;

    private void WriteBuffered()
    {
        _flushQueued = false;
        if (_buffer.Count == 0)
            return;
        var installed = _storage.Write(_buffer.Select(b => b.Job.Job).ToArray());
        _batches++;
        var done = _buffer.ToArray();
        _buffer.Clear();
        for (var i = 0; i < done.Length; i++)
            done[i].ReplyTo.Tell(new Persisted(done[i].Job.Sequence, installed.Where(x => x.Job == i).Select(x => x.Install).ToArray()));
    }

    /// <summary>Restarts in this process (for tests and status).</summary>
    public static int Restarts => Volatile.Read(ref _restarts);

    private static int _restarts;

    protected override void PreRestart(Exception reason, object? message)
    {
        Interlocked.Increment(ref _restarts);
        _log.LogError(reason, "log writer failed with {Jobs} jobs pending; they are queued again", _buffer.Count);
        foreach (var (job, replyTo) in _buffer)
            Self.Tell(job, replyTo);
        _buffer.Clear();
        base.PreRestart(reason, message);
    }

    /// <summary>→ log writer: how many batches (syncs) it has written; the answer is a <see cref="long"/>.</summary>
    public sealed class GetBatchCount
    {
        public static readonly GetBatchCount Instance = new();
    }

    /// <summary>Fault injection for tests: the log writer fails while holding whatever jobs it buffered.</summary>
    internal sealed class FailForTest
    {
        public static readonly FailForTest Instance = new();
    }

    private sealed class Flush
    {
        public static readonly Flush Instance = new();
    }
}
