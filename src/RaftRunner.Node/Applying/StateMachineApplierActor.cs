using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node.Snapshots;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Storage;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Node.Applying;

/// <summary>
/// The only caller of the user's <see cref="IStateMachine"/>. Every handler is asynchronous and holds the mailbox
/// until it is done, so state machine calls never overlap and run in the order their messages arrived.
/// <list type="bullet">
/// <item><see cref="ApplyEntries"/> → STATE entries go to <c>ApplyAsync</c> in order, CHECKPOINTs are skipped, CONFIG
/// entries are kept as the configuration in force (never given to the state machine); request ids of STATE and CONFIG
/// entries are remembered (the newest <see cref="ApplierSettings.MaxRequestIds"/>). Reply: <see cref="EntriesApplied"/>,
/// with the result or rejection of every entry whose request id was watched (<see cref="WatchOutcome"/>).
/// A batch whose first index is not the last applied + 1 is refused, nothing applied: the reply is a
/// <see cref="Status.Failure"/> with an <see cref="ApplyEntriesRefusedException"/> (a warning is logged).</item>
/// <item><see cref="RestoreSnapshot"/> → the file's envelope is read (a foreign snapshot has none), the state bytes
/// go to <c>RestoreSnapshotAsync</c>, and the applied index becomes the snapshot's. Reply: <see cref="SnapshotRestored"/>,
/// or <see cref="SnapshotFailed"/> (a missing or corrupt file, an index or term other than the message's, a corrupt
/// envelope: the state machine is not called; the state machine threw: see <see cref="IStateMachine"/>).</item>
/// <item><see cref="TakeSnapshot"/> → a snapshot file at (last applied index, its term): envelope, then
/// <c>WriteSnapshotAsync</c>'s bytes, installed durably over the target. Reply: <see cref="SnapshotTaken"/>, or
/// <see cref="SnapshotFailed"/> with the target untouched.</item>
/// <item><see cref="QueryStateMachine"/> → <c>QueryAsync</c>. Reply: <see cref="QueryResult"/> (with the error's text when it threw).</item>
/// </list>
/// Replies go to the message's sender.
/// <para><b>Rejection.</b> When <c>ApplyAsync</c> throws anything but <see cref="StateMachineCorruptException"/> (or
/// is cancelled by its time limit), the entry is rejected: logged, reported as its outcome when watched, counted as
/// applied, and the batch goes on (see <see cref="IStateMachine"/>).</para>
/// <para><b>Failure.</b> When <c>ApplyAsync</c> throws <see cref="StateMachineCorruptException"/> or runs out of
/// time, the applier logs the entry's index and fails with a <see cref="StateMachineFailedException"/> (no reply), so its supervisor decides. The state machine may hold part of
/// that entry, so from then on — resumed, or restarted as a fresh instance that knows nothing applied — the applier
/// refuses entries, snapshots and queries until a <see cref="RestoreSnapshot"/> succeeds; the peer restores the latest
/// snapshot and applies the log after it again.</para>
/// </summary>
public sealed class StateMachineApplierActor : ReceiveActor
{
    private readonly IStateMachine _stateMachine;
    private readonly ApplierSettings _settings;
    private readonly AppliedState _state;
    private readonly ILogger _log;
    private readonly HashSet<RequestId> _watched = [];
    private long _rejected;

    public StateMachineApplierActor(IStateMachine stateMachine, ApplierSettings settings)
    {
        ArgumentNullException.ThrowIfNull(stateMachine);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _stateMachine = stateMachine;
        _settings = settings;
        _state = new AppliedState(settings.MaxRequestIds);
        _log = Context.GetLogger();
        ReceiveAsync<ApplyEntries>(ApplyAsync);
        ReceiveAsync<RestoreSnapshot>(RestoreAsync);
        ReceiveAsync<TakeSnapshot>(TakeSnapshotAsync);
        ReceiveAsync<QueryStateMachine>(QueryAsync);
        Receive<WatchOutcome>(w => _watched.Add(w.Id));
        Receive<ForgetOutcome>(f => _watched.Remove(f.Id));
        Receive<GetAppliedIndex>(_ => Sender.Tell(new AppliedIndex(
            // A durable state machine that this applier has not fed yet knows where it stands by itself.
            _stateMachine is IDurableStateMachine d && _state.LastApplied == 0 ? d.LastAppliedIndex : _state.LastApplied,
            _state.RestoreRequired is not null)));
        Receive<ResumeAt>(r =>
        {
            // An applier that fed the state itself knows better (its request ids): only a fresh one takes this.
            if (_state.LastApplied != r.Index)
                _state.Restored(r.Index, r.Term, new SnapshotEnvelope(r.Configuration, r.ConfigurationIndex, []));
            Sender.Tell(new EntriesApplied(r.Index));
        });
    }

    public static Props Props(IStateMachine stateMachine, ApplierSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(stateMachine);
        var s = settings ?? ApplierSettings.Default;
        s.Validate();
        return Actors.Props.Create(() => new StateMachineApplierActor(stateMachine, s));
    }

    protected override void PostRestart(Exception reason)
    {
        // A fresh instance knows nothing applied, but the state machine kept whatever the failed one gave it.
        _state.RequireRestore($"the applier restarted after {reason.GetType().Name}: {reason.Message}");
        _log.LogWarning("State machine applier restarted after {Error}; it accepts entries again once a snapshot is restored", reason.Message);
        base.PostRestart(reason);
    }

    private async Task ApplyAsync(ApplyEntries batch)
    {
        var replyTo = Sender;
        if (_state.Refuse(batch.FirstIndex) is { } refusal)
        {
            _log.LogWarning("Refused {Count} entries from index {FirstIndex}: {Reason}", batch.Entries.Count, batch.FirstIndex, refusal.Message);
            replyTo.Tell(new Status.Failure(refusal), Self);
            return;
        }
        using var timeout = _settings.ApplyTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource();
        List<ApplyOutcome>? outcomes = null;
        var index = batch.FirstIndex;
        foreach (var entry in batch.Entries)
        {
            // CONFIG and CHECKPOINT entries are the Raft layer's: only recorded below.
            if (entry.Type == LogEntryType.State)
            {
                object? result = null;
                Exception? rejection = null;
                try
                {
                    timeout?.CancelAfter(_settings.ApplyTimeout);
                    var ct = timeout?.Token ?? CancellationToken.None;
                    result = _stateMachine is IDurableStateMachine durable
                        ? await durable.ApplyAsync(index, entry, ct)
                        : await _stateMachine.ApplyAsync(entry, ct);
                }
                catch (Exception e) when (e is StateMachineCorruptException || timeout?.IsCancellationRequested == true)
                {
                    _state.RequireRestore($"ApplyAsync failed at index {index}");
                    _log.LogError(e, "The state machine failed to apply the entry at index {Index} (term {Term}, request id {RequestId}): {Error}; the applier fails and needs a snapshot restored",
                        index, entry.Term, entry.RequestId, e.Message);
                    throw new StateMachineFailedException(index, e);
                }
                catch (Exception e)
                {
                    rejection = e;
                    LogRejection(index, entry, e);
                }
                if (_watched.Count > 0 && _watched.Remove(entry.RequestId))
                    (outcomes ??= []).Add(new ApplyOutcome(index, entry.RequestId, result, rejection));
            }
            if (_state.Applied(index, entry) is { } configError)
                _log.LogError("The CONFIG entry at index {Index} is not a configuration ({Error}); snapshots record the configuration as unknown until the next one", index, configError);
            index++;
        }
        replyTo.Tell(new EntriesApplied(_state.LastApplied, outcomes), Self);
    }

    /// <summary>
    /// A rejection is an outcome, not a fault (every node rejects the same entries): a warning without the stack, and
    /// a flood of them is logged in full only at first.
    /// </summary>
    private void LogRejection(long index, LogEntry entry, Exception e)
    {
        if (++_rejected <= 100 || _rejected % 1000 == 0)
            _log.LogWarning("The state machine rejected the entry at index {Index} (request id {RequestId}; {Rejected} rejected so far): {Type}: {Error}", index, entry.RequestId, _rejected, e.GetType().Name, e.Message);
        else
            _log.LogDebug("The state machine rejected the entry at index {Index}: {Error}", index, e.Message);
    }

    private async Task RestoreAsync(RestoreSnapshot restore)
    {
        var replyTo = Sender;
        SnapshotFile snapshot;
        try
        {
            snapshot = SnapshotFile.Open(restore.SnapshotPath);
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            Fail(replyTo, $"cannot open the snapshot {restore.SnapshotPath}: {e.Message}", e);
            return;
        }
        using (snapshot)
        {
            if (snapshot.Index != (ulong)restore.Index || snapshot.Term != restore.Term)
            {
                Fail(replyTo, $"the snapshot {restore.SnapshotPath} holds index {snapshot.Index} term {snapshot.Term}, not index {restore.Index} term {restore.Term}", null);
                return;
            }
            SnapshotEnvelopeReadResult read;
            try
            {
                read = await SnapshotEnvelopeReader.ReadAsync(snapshot.OpenDataStream());
            }
            catch (Exception e) when (e is SnapshotEnvelopeException or StorageException or IOException)
            {
                Fail(replyTo, $"cannot read the snapshot {restore.SnapshotPath}: {e.Message}", e);
                return;
            }
            using var timeout = Limit(_settings.SnapshotTimeout);
            try
            {
                await using (read.State)
                    await _stateMachine.RestoreSnapshotAsync(read.State, timeout?.Token ?? CancellationToken.None);
            }
            catch (Exception e)
            {
                _state.RequireRestore($"RestoreSnapshotAsync threw for the snapshot at index {restore.Index}");
                Fail(replyTo, $"the state machine failed to restore the snapshot at index {restore.Index}: {e.Message}; it must be restored again before it takes entries", e);
                return;
            }
            _state.Restored(restore.Index, restore.Term, read.Envelope);
            _log.LogInformation("Restored the snapshot at index {Index} (term {Term}, {Size} bytes, {Kind})", restore.Index, restore.Term, snapshot.DataSize,
                read.IsForeign ? "foreign: no configuration or request ids" : $"configuration from index {read.Envelope!.ConfigurationIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, {read.Envelope.RequestIds.Count} request ids");
            replyTo.Tell(new SnapshotRestored(restore.Index, read.Envelope?.ToContents() ?? new SnapshotContents(null, [])), Self);
        }
    }

    private async Task TakeSnapshotAsync(TakeSnapshot take)
    {
        var replyTo = Sender;
        if (_state.RestoreRequired is { } reason)
        {
            Fail(replyTo, $"no snapshot while the state machine awaits a restore ({reason})", null);
            return;
        }
        // Everything the file records is taken now, between two applies: index, term, envelope and the state.
        var index = _state.LastApplied;
        var term = _state.LastTerm;
        var envelope = _state.ToEnvelope();
        if (_stateMachine is ISnapshotCapture capture)
        {
            // Written from a consistent view on another thread while this actor goes on applying entries.
            var write = capture.CaptureSnapshot();
            var self = Self;
            _ = Task.Run(async () => replyTo.Tell(await WriteSnapshotFileAsync(take.TargetPath, index, term, envelope, write), self));
            return;
        }
        replyTo.Tell(await WriteSnapshotFileAsync(take.TargetPath, index, term, envelope, _stateMachine.WriteSnapshotAsync), Self);
    }

    /// <summary>
    /// Writes a snapshot file (temporary, then renamed into place) and returns <see cref="SnapshotTaken"/> or
    /// <see cref="SnapshotFailed"/> — only after the clean-up, so whoever hears of a failure finds no temporary
    /// file left. Touches no actor state: it may run off the actor's turn.
    /// </summary>
    private async Task<object> WriteSnapshotFileAsync(string path, long index, ulong term, SnapshotEnvelope envelope, Func<Stream, CancellationToken, ValueTask> write)
    {
        SnapshotWriter? writer = null;
        SnapshotWriterStream? stream = null;
        object answer;
        try
        {
            writer = SnapshotWriter.Create(path, (ulong)index, term);
            writer.Write(SnapshotEnvelopeWriter.Encode(envelope, _settings.MaxRequestIds));
            stream = new SnapshotWriterStream(writer);
            using (var timeout = Limit(_settings.SnapshotTimeout))
            {
                var ct = timeout?.Token ?? CancellationToken.None;
                await write(stream, ct);
                await stream.CompleteAsync(ct);
            }
            using var installed = writer.Install();
            _log.LogInformation("Took a snapshot at index {Index} (term {Term}, {Size} bytes) into {Path}", installed.Index, installed.Term, installed.DataSize, path);
            answer = new SnapshotTaken(path, (long)installed.Index, installed.Term, installed.DataSize);
        }
        catch (Exception e)
        {
            var why = $"cannot take a snapshot into {path}: {e.Message}";
            _log.LogError(e, "Snapshot failed: {Reason}", why);
            answer = new SnapshotFailed(why);
        }
        finally
        {
            stream?.Abandon();
            writer?.Dispose();
        }
        return answer;
    }

    private async Task QueryAsync(QueryStateMachine query)
    {
        var replyTo = Sender;
        if (_state.RestoreRequired is { } reason)
        {
            replyTo.Tell(new QueryResult(ReadOnlyMemory<byte>.Empty, $"the state machine awaits a snapshot restore ({reason})"), Self);
            return;
        }
        using var timeout = Limit(_settings.QueryTimeout);
        QueryResult result;
        try
        {
            result = new QueryResult(await _stateMachine.QueryAsync(query.Request, timeout?.Token ?? CancellationToken.None));
        }
        catch (Exception e)
        {
            _log.LogDebug(e, "A query failed: {Error}", e.Message);
            result = new QueryResult(ReadOnlyMemory<byte>.Empty, $"{e.GetType().Name}: {e.Message}");
        }
        replyTo.Tell(result, Self);
    }

    private void Fail(IActorRef replyTo, string reason, Exception? cause)
    {
        _log.LogError(cause, "Snapshot failed: {Reason}", reason);
        replyTo.Tell(new SnapshotFailed(reason), Self);
    }

    private static CancellationTokenSource? Limit(TimeSpan limit) =>
        limit == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(limit);
}
