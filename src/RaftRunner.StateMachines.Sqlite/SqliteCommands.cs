using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.StateMachines.Sqlite;

/// <summary>
/// Builds the commands (STATE entry data) and queries (ClientDispatch requests) of <see cref="SqliteStateMachine"/>,
/// and reads its answers. Both are one MessagePack map with string keys, as a JavaScript client would write it with
/// msgpack-lite:
/// <list type="table">
/// <item><term><c>{"sql":s}</c></term><description>SQL without parameters</description></item>
/// <item><term><c>{"sql":s,"args":[v1,v2,…]}</c></term><description>positional parameters: <c>?</c> (numbered left to
/// right within each statement, as SQLite does) or <c>?NNN</c>; v1 binds to <c>?1</c></description></item>
/// <item><term><c>{"sql":s,"args":{"name":v,…}}</c></term><description>named parameters <c>:name</c>, <c>@name</c>,
/// <c>$name</c> (the key may keep its prefix); unused keys are allowed</description></item>
/// <item><term>query answer</term><description><c>{"columns":[names],"rows":[[v,…],…],"truncated":bool}</c>, at most
/// <see cref="SqliteStateMachineOptions.MaxRowsReturned"/> rows</description></item>
/// </list>
/// Values are nil (NULL), booleans (stored as 0/1), integers (INTEGER, within Int64), floats (REAL), strings (TEXT)
/// and binaries (BLOB); arrays and maps are refused. Answers use the same mapping, written in standard MessagePack so
/// that a REAL 2.0 stays a float; this class writes arguments that way too (msgpack-lite writes an integral number
/// as an integer, which SQLite then stores as INTEGER).
/// <para>A command may hold several statements separated by <c>;</c>: they run in one transaction, all or nothing,
/// and share the arguments. A query is one read-only statement. What SQL a command may use is in
/// <see cref="SqliteStateMachine"/>'s remarks.</para>
/// </summary>
public static class SqliteCommands
{
    internal const string SqlField = "sql";
    internal const string ArgsField = "args";
    internal const string ColumnsField = "columns";
    internal const string RowsField = "rows";
    internal const string TruncatedField = "truncated";

    /// <summary>A command running <paramref name="sql"/> with positional arguments (<c>?</c>, <c>?NNN</c>).</summary>
    public static byte[] Execute(string sql, params object?[] args) => Encode(sql, Positional(args));

    /// <summary>A command running <paramref name="sql"/> with named arguments (<c>:name</c>, <c>@name</c>, <c>$name</c>).</summary>
    public static byte[] Execute(string sql, IReadOnlyDictionary<string, object?> args) => Encode(sql, Named(args));

    /// <summary>A query running <paramref name="sql"/> (one SELECT) with positional arguments; read the answer with <see cref="ReadQueryResult"/>.</summary>
    public static byte[] Query(string sql, params object?[] args) => Encode(sql, Positional(args));

    /// <summary>A query running <paramref name="sql"/> (one SELECT) with named arguments; read the answer with <see cref="ReadQueryResult"/>.</summary>
    public static byte[] Query(string sql, IReadOnlyDictionary<string, object?> args) => Encode(sql, Named(args));

    /// <summary>Reads a query's answer. A malformed answer is an <see cref="InvalidDataException"/>.</summary>
    public static SqliteQueryResult ReadQueryResult(ReadOnlySpan<byte> answer)
    {
        if (!MessagePackCodec.TryDecodeExact(answer, out var value, out var error))
            throw new InvalidDataException($"the answer is not MessagePack: {error}");
        if (!value.TryGetProperty(ColumnsField, out var columnsValue) || !columnsValue.TryGetArray(out var columnItems))
            throw new InvalidDataException("a query answer has an array \"columns\"");
        if (!value.TryGetProperty(RowsField, out var rowsValue) || !rowsValue.TryGetArray(out var rowItems))
            throw new InvalidDataException("a query answer has an array \"rows\"");
        var columns = new string[columnItems.Count];
        for (var i = 0; i < columns.Length; i++)
            columns[i] = columnItems[i].TryGetString(out var name) ? name : throw new InvalidDataException($"column {i} of a query answer is {columnItems[i].Kind}, not a string");
        var rows = new IReadOnlyList<object?>[rowItems.Count];
        for (var r = 0; r < rows.Length; r++)
        {
            if (!rowItems[r].TryGetArray(out var cells) || cells.Count != columns.Length)
                throw new InvalidDataException($"row {r} of a query answer is not an array of {columns.Length} values");
            var row = new object?[cells.Count];
            for (var c = 0; c < row.Length; c++)
                row[c] = SqliteValues.ToObject(cells[c]);
            rows[r] = row;
        }
        var truncated = value.TryGetProperty(TruncatedField, out var truncatedValue) && truncatedValue.TryGetBoolean(out var flag) && flag;
        return new SqliteQueryResult(columns, rows, truncated);
    }

    /// <summary>A query answer (what <see cref="SqliteStateMachine.QueryAsync"/> returns).</summary>
    internal static byte[] EncodeQueryResult(IReadOnlyList<string> columns, IReadOnlyList<MessagePackValue> rows, bool truncated) =>
        MessagePackCodec.Encode(MessagePackValue.Map(
            Field(ColumnsField, MessagePackValue.Array(columns.Select(MessagePackValue.From))),
            Field(RowsField, MessagePackValue.Array(rows)),
            Field(TruncatedField, MessagePackValue.From(truncated))), MessagePackEncoding.Standard);

    private static MessagePackValue? Positional(object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Length == 0 ? null : MessagePackValue.Array(args.Select(SqliteValues.FromObject));
    }

    private static MessagePackValue Named(IReadOnlyDictionary<string, object?> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return MessagePackValue.Map(args.Select(pair => Field(pair.Key, SqliteValues.FromObject(pair.Value))));
    }

    private static byte[] Encode(string sql, MessagePackValue? args)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var sqlField = Field(SqlField, MessagePackValue.From(sql));
        var map = args is null ? MessagePackValue.Map(sqlField) : MessagePackValue.Map(sqlField, Field(ArgsField, args));
        return MessagePackCodec.Encode(map, MessagePackEncoding.Standard);
    }

    private static KeyValuePair<MessagePackValue, MessagePackValue> Field(string name, MessagePackValue value) => new(MessagePackValue.From(name), value);
}
