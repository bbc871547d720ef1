using RaftRunner.Protocol;

namespace RaftRunner.Node.StateMachines;

/// <summary>
/// Optional for an <see cref="IStateMachine"/> that keeps its state on disk (a database): it records the index of
/// the last entry it applied together with the entry's effect (one transaction), so after a restart the node goes
/// on from <see cref="LastAppliedIndex"/> instead of restoring the snapshot and applying the log again — exactly once
/// across restarts, as zmq-raft's StateMachineBase <c>lastApplied</c> does.
/// </summary>
public interface IDurableStateMachine : IStateMachine
{
    /// <summary>The index of the last entry applied, as stored (0 for a new state).</summary>
    long LastAppliedIndex { get; }

    /// <summary>
    /// Applies the committed STATE entry at <paramref name="index"/> and records <paramref name="index"/> with it,
    /// atomically. An index at or below <see cref="LastAppliedIndex"/> must be skipped (it is already in the state).
    /// Results and failures as <see cref="IStateMachine.ApplyAsync"/>.
    /// </summary>
    ValueTask<object?> ApplyAsync(long index, LogEntry entry, CancellationToken ct);
}
