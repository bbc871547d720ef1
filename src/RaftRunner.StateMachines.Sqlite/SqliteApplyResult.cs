namespace RaftRunner.StateMachines.Sqlite;

/// <summary>The outcome of <see cref="SqliteStateMachine.ApplyAsync(long, RaftRunner.Protocol.LogEntry, CancellationToken)"/>.</summary>
/// <param name="Status">What became of the entry.</param>
/// <param name="RowsChanged">Rows inserted, updated or deleted by the command's statements (0 unless applied).</param>
/// <param name="Error">Why the command was rejected (null unless <see cref="SqliteApplyStatus.Rejected"/>).</param>
public readonly record struct SqliteApplyResult(SqliteApplyStatus Status, long RowsChanged = 0, string? Error = null);
