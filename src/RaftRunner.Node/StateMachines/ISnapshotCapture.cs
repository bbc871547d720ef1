namespace RaftRunner.Node.StateMachines;

/// <summary>
/// Optional for an <see cref="IStateMachine"/>: it can capture a consistent view of its state at once (an immutable
/// structure, a copy-on-write page set, a database read transaction…), so a snapshot is written from the view while
/// entries go on being applied. Without it, the applier calls <see cref="IStateMachine.WriteSnapshotAsync"/> and
/// applies nothing until the snapshot is written — a long pause for a large state.
/// </summary>
public interface ISnapshotCapture
{
    /// <summary>
    /// Called on the applier's turn, between two applies (so the view is exactly the state as of the last applied
    /// entry). Must return quickly. The returned writer writes that view to a stream later, on another thread,
    /// while <see cref="IStateMachine.ApplyAsync"/> keeps being called: it must not read the live state.
    /// </summary>
    Func<Stream, CancellationToken, ValueTask> CaptureSnapshot();
}
