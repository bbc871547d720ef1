namespace RaftRunner.Node.Applying;

/// <summary>
/// The user's state machine threw while applying the entry at <see cref="Index"/> (its exception is the inner one).
/// The applier fails with it, so its supervisor decides; whatever it decides, the applier then accepts entries only
/// after a <see cref="RestoreSnapshot"/>, since the state may hold part of that entry.
/// </summary>
public sealed class StateMachineFailedException : Exception
{
    public StateMachineFailedException()
    {
    }

    public StateMachineFailedException(string message) : base(message)
    {
    }

    public StateMachineFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public StateMachineFailedException(long index, Exception innerException)
        : base($"the state machine failed to apply the entry at index {index}: {innerException?.Message}", innerException)
    {
        Index = index;
    }

    /// <summary>The log index of the entry being applied.</summary>
    public long Index { get; }
}
