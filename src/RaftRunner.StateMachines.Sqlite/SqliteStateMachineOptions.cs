namespace RaftRunner.StateMachines.Sqlite;

/// <summary>Limits of a <see cref="SqliteStateMachine"/>. Every node of a cluster must use the same values.</summary>
public sealed record SqliteStateMachineOptions
{
    /// <summary>The defaults.</summary>
    public static SqliteStateMachineOptions Default { get; } = new();

    /// <summary>
    /// The most SQLite VM instructions one command may run (counted in steps of 1,000); a command that runs more is
    /// rejected, not stopped halfway on some nodes only. The count depends on the SQLite build, so nodes should
    /// run the same one (Microsoft.Data.Sqlite's bundled e_sqlite3 is). One billion is a few seconds of work.
    /// </summary>
    public long MaxInstructionsPerCommand { get; init; } = 1_000_000_000;

    /// <summary>The most rows a query answers; the answer says <c>truncated</c> when there were more.</summary>
    public int MaxRowsReturned { get; init; } = 10_000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInstructionsPerCommand, SqliteGuard.ProgressInterval, nameof(MaxInstructionsPerCommand));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRowsReturned, nameof(MaxRowsReturned));
    }
}
