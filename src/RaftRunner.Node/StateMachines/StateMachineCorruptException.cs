namespace RaftRunner.Node.StateMachines;

/// <summary>
/// Thrown by <see cref="IStateMachine.ApplyAsync"/> when the state can no longer be trusted: the entry was applied in
/// part, or something outside the entry (a disk, a lost database connection) failed half-way. Any other exception
/// means "this entry is rejected, the state is untouched" and is only reported to the change's caller; this one makes
/// the node restore its latest snapshot into the state machine and apply the log after it again.
/// </summary>
public sealed class StateMachineCorruptException : Exception
{
    public StateMachineCorruptException()
    {
    }

    public StateMachineCorruptException(string message) : base(message)
    {
    }

    public StateMachineCorruptException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
