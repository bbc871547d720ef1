using RaftRunner.Protocol;

namespace RaftRunner.Node.StateMachines;

/// <summary>
/// The application's replicated state machine. RaftRunner feeds it the committed log; every node that applies
/// the same entries from the same snapshot must end in the same state, so every method that changes state must be
/// deterministic (no clock, no randomness, no reading of anything but its arguments and its own state).
/// </summary>
/// <remarks>
/// <para><b>Threading.</b> Only <c>StateMachineApplierActor</c> calls these methods, one call at a time: a call
/// never overlaps another (not even a query with an apply), and the next starts after the previous one's task
/// completed. Calls may run on different thread-pool threads, one after the other (the usual async rule), so the
/// implementation needs no locks for its own use; it needs them (or immutable data) only to offer reads to other
/// threads, e.g. a status page.</para>
/// <para><b>Cancellation.</b> Each call gets a token that is cancelled when the call exceeds its time limit
/// (<c>ApplierSettings</c>). It is cooperative: the applier cannot abandon a call that ignores it (that would make
/// calls overlap), so a call that never completes stops the applier — and with it the node's progress — for good.</para>
/// <para><b>Failures.</b> What happens when a method throws (or its task faults, or it honours cancellation):
/// <list type="bullet">
/// <item><see cref="ApplyAsync"/>: the entry is <em>rejected</em>: it stays in the log, counts as applied, and the
/// exception reaches the caller of the change on this node (<c>ChangeFailed</c> with <c>ApplyFailed</c>; the facade
/// throws <c>ChangeFailedException</c> with reason <c>ApplyFailed</c>) and the log (a warning); the node goes on with the next entry. So throw
/// only before you change anything (apply atomically), and only for reasons that depend on the entry and the state
/// alone — every node must reject the same entries. When the state may hold part of the entry, or the failure came
/// from outside (a disk, a timeout), throw <see cref="StateMachineCorruptException"/> instead: the applier then
/// refuses further entries until the node has restored its latest snapshot through <see cref="RestoreSnapshotAsync"/>
/// and applies the log after it again. An apply cancelled by its time limit is treated the same way.</item>
/// <item><see cref="WriteSnapshotAsync"/>: no snapshot is installed (the partial file is deleted); the state is
/// untouched, the asker gets <c>SnapshotFailed</c>, and the applier carries on.</item>
/// <item><see cref="RestoreSnapshotAsync"/>: the asker gets <c>SnapshotFailed</c>, and the applier accepts no entries,
/// queries or snapshots until a later restore succeeds (the state may be half replaced). A restore should build the
/// new state aside and swap it in at the end, so a failure leaves the old state whole.</item>
/// <item><see cref="QueryAsync"/>: the asker gets a <c>QueryResult</c> carrying the error's text; nothing else
/// happens (a query must not change state).</item>
/// </list></para>
/// </remarks>
public interface IStateMachine
{
    /// <summary>
    /// Applies one committed STATE entry. Called in log order, exactly once per committed STATE entry of this
    /// state's history (entries already covered by a restored snapshot are not applied again). CONFIG and
    /// CHECKPOINT entries are never passed in. <paramref name="entry"/>'s memory is valid only during the call:
    /// copy what you keep.
    /// </summary>
    /// <returns>
    /// The change's result for its caller on this node (<c>ChangeApplied.Result</c>, the facade's
    /// <c>ChangeResult.Result</c>), or null. It is not replicated: each node computes its own, so it must not be
    /// needed to rebuild state.
    /// </returns>
    ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct);

    /// <summary>
    /// Writes the whole current state (as of the last applied entry) to <paramref name="destination"/>, a
    /// write-only, forward-only stream: write it in pieces, never all of it into memory first. Do not assume
    /// <paramref name="destination"/> can seek; disposing it is allowed but not needed. What is written is exactly
    /// what <see cref="RestoreSnapshotAsync"/> is given later, on this node or on another one.
    /// </summary>
    ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct);

    /// <summary>
    /// Replaces the whole state with the one <paramref name="source"/> holds: bytes this state machine's
    /// <see cref="WriteSnapshotAsync"/> wrote, or an empty stream (the empty snapshot of a new log: the initial
    /// state). A snapshot made by another implementation (a zmq-raft node's) reaches here as its raw data. Read it
    /// in pieces (it may be larger than memory); it is read-only and the applier disposes it afterwards.
    /// </summary>
    ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct);

    /// <summary>
    /// Answers a custom client request (zmq-raft's ClientDispatch) from the state as applied now, without changing
    /// it. The request and the answer are opaque bytes; the answer may reference state that later changes only if
    /// that state is immutable.
    /// </summary>
    ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct);
}
