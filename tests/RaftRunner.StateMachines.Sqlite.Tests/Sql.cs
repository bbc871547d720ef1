using RaftRunner.Protocol;

namespace RaftRunner.StateMachines.Sqlite.Tests;

/// <summary>Shorthands for driving a <see cref="SqliteStateMachine"/> in tests.</summary>
internal static class Sql
{
    public static LogEntry State(byte[] data) => LogEntry.Create(RequestId.New(), LogEntryType.State, 1, data);

    public static async Task<SqliteApplyResult> Apply(SqliteStateMachine machine, long index, byte[] command) =>
        await machine.ApplyAsync(index, State(command), CancellationToken.None);

    public static async Task<SqliteApplyResult> Run(SqliteStateMachine machine, long index, string sql, params object?[] args) =>
        await Apply(machine, index, SqliteCommands.Execute(sql, args));

    public static async Task<SqliteQueryResult> Query(SqliteStateMachine machine, string sql, params object?[] args) =>
        SqliteCommands.ReadQueryResult((await machine.QueryAsync(SqliteCommands.Query(sql, args), CancellationToken.None)).Span);

    /// <summary>Every row of <paramref name="table"/> in rowid order, as text that compares equal when the rows do.</summary>
    public static async Task<string> Dump(SqliteStateMachine machine, string table)
    {
        var result = await Query(machine, $"SELECT * FROM {table} ORDER BY rowid");
        return string.Join(" | ", result.Columns) + "\n" + string.Join("\n", result.Rows.Select(row => string.Join(" | ", row.Select(Show))));
    }

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        byte[] blob => "x'" + Convert.ToHexString(blob) + "'",
        double real => real.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "r",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };
}
