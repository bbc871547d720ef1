using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.StateMachines.Sqlite;

/// <summary>
/// The one mapping between MessagePack, SQLite and .NET values: nil ↔ NULL ↔ null, Integer ↔ INTEGER ↔ long,
/// Float ↔ REAL ↔ double, String ↔ TEXT ↔ string, Binary ↔ BLOB ↔ byte[]; a boolean is written as INTEGER 0/1.
/// </summary>
internal static class SqliteValues
{
    /// <summary>A command or query argument as the value a <c>SqliteParameter</c> binds, or why it cannot be one.</summary>
    public static bool TryToParameter(MessagePackValue value, out object parameter, out string? error)
    {
        error = null;
        switch (value.Kind)
        {
            case MessagePackKind.Nil:
                parameter = DBNull.Value;
                return true;
            case MessagePackKind.Boolean:
                parameter = value.AsBoolean() ? 1L : 0L;
                return true;
            case MessagePackKind.Integer when value.TryGetInt64(out var integer):
                parameter = integer;
                return true;
            case MessagePackKind.Integer:
                parameter = DBNull.Value;
                error = $"{value} is beyond SQLite's 64-bit INTEGER";
                return false;
            case MessagePackKind.Float:
                parameter = value.AsDouble();
                return true;
            case MessagePackKind.String:
                parameter = value.AsString();
                return true;
            case MessagePackKind.Binary:
                parameter = value.AsBinary().ToArray();
                return true;
            default:
                parameter = DBNull.Value;
                error = $"an argument is NULL, a boolean, a number, a string or a binary, not {value.Kind}";
                return false;
        }
    }

    /// <summary>A column value from <c>SqliteDataReader.GetValue</c> (which answers by storage class).</summary>
    public static MessagePackValue FromColumn(object value) => value switch
    {
        DBNull => MessagePackValue.Nil,
        long integer => MessagePackValue.From(integer),
        double real => MessagePackValue.From(real),
        string text => MessagePackValue.From(text),
        byte[] blob => MessagePackValue.FromBinary(blob),
        _ => throw new InvalidOperationException($"SQLite returned a {value.GetType().Name}"),
    };

    /// <summary>A .NET argument for <see cref="SqliteCommands"/>.</summary>
    public static MessagePackValue FromObject(object? value) => value switch
    {
        null or DBNull => MessagePackValue.Nil,
        bool boolean => MessagePackValue.From(boolean),
        sbyte or byte or short or ushort or int or uint or long => MessagePackValue.From(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        ulong unsigned when unsigned <= long.MaxValue => MessagePackValue.From((long)unsigned),
        float single => MessagePackValue.From((double)single),
        double real => MessagePackValue.From(real),
        string text => MessagePackValue.From(text),
        byte[] blob => MessagePackValue.FromBinary(blob.ToArray()),
        ReadOnlyMemory<byte> memory => MessagePackValue.FromBinary(memory.ToArray()),
        Memory<byte> memory => MessagePackValue.FromBinary(memory.ToArray()),
        _ => throw new ArgumentException($"an argument is null, a boolean, an integer (within Int64), a float, a double, a string or bytes, not {value.GetType().Name}", nameof(value)),
    };

    /// <summary>A value of a query answer as .NET: null, long, double, string or byte[].</summary>
    public static object? ToObject(MessagePackValue value) => value.Kind switch
    {
        MessagePackKind.Nil => null,
        MessagePackKind.Integer => value.TryGetInt64(out var integer) ? integer : throw new InvalidDataException($"{value} is beyond a 64-bit integer"),
        MessagePackKind.Float => value.AsDouble(),
        MessagePackKind.String => value.AsString(),
        MessagePackKind.Binary => value.AsBinary().ToArray(),
        MessagePackKind.Boolean => value.AsBoolean() ? 1L : 0L,
        _ => throw new InvalidDataException($"a column value is nil, a number, a string or a binary, not {value.Kind}"),
    };
}
