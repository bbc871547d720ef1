namespace RaftRunner.Node.Applying;

/// <summary>
/// The applier's answer (inside a <c>Status.Failure</c>) to an <see cref="ApplyEntries"/> it did not apply: its first
/// entry is not the one after the last applied (entries are applied exactly once, in order), or the state machine
/// must first be restored from a snapshot (after it failed). Nothing was applied.
/// </summary>
public sealed class ApplyEntriesRefusedException : InvalidOperationException
{
    public ApplyEntriesRefusedException()
    {
    }

    public ApplyEntriesRefusedException(string message) : base(message)
    {
    }

    public ApplyEntriesRefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public ApplyEntriesRefusedException(long firstIndex, long? expectedFirstIndex, string message) : base(message)
    {
        FirstIndex = firstIndex;
        ExpectedFirstIndex = expectedFirstIndex;
    }

    /// <summary>The refused batch's first index.</summary>
    public long FirstIndex { get; }

    /// <summary>The index the applier expects next, or null when it accepts no entries before a <see cref="RestoreSnapshot"/>.</summary>
    public long? ExpectedFirstIndex { get; }
}
