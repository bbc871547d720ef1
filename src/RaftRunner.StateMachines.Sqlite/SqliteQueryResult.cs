namespace RaftRunner.StateMachines.Sqlite;

/// <summary>
/// A query's answer as read by <see cref="SqliteCommands.ReadQueryResult"/>. Values are null, <see cref="long"/>,
/// <see cref="double"/>, <see cref="string"/> or <see cref="T:byte[]"/>, as SQLite stored them.
/// </summary>
/// <param name="Columns">The result's column names, in order.</param>
/// <param name="Rows">The rows, each with one value per column.</param>
/// <param name="Truncated">Whether there were more rows than the state machine answers (<see cref="SqliteStateMachineOptions.MaxRowsReturned"/>).</param>
public sealed record SqliteQueryResult(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows, bool Truncated);
