using System.Text;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Node.StateMachines;

/// <summary>
/// Builds the commands (STATE entry data) and queries (ClientDispatch requests) of <see cref="KeyValueStateMachine"/>,
/// and reads its answers. Everything is MessagePack maps with string keys, as a zmq-raft client in JavaScript
/// would write them with msgpack-lite:
/// <list type="table">
/// <item><term><c>{"op":"set","key":k,"value":v}</c></term><description>command: v is a binary or a string, kept as given</description></item>
/// <item><term><c>{"op":"del","key":k}</c></term><description>command: removes k (no error when absent)</description></item>
/// <item><term><c>{"op":"get","key":k}</c></term><description>query → the value (binary or string, as set) or nil</description></item>
/// <item><term><c>{"op":"count"}</c></term><description>query → the number of keys (integer)</description></item>
/// <item><term><c>{"op":"hash"}</c></term><description>query → SHA-256 of the whole state (binary, 32 bytes): equal on nodes with equal state</description></item>
/// <item><term><c>{"op":"keys"}</c></term><description>query → an array of the first <see cref="KeyValueStateMachine.MaxKeysReturned"/> keys in ordinal order</description></item>
/// </list>
/// </summary>
public static class KeyValueCommands
{
    internal const string Op = "op";
    internal const string KeyField = "key";
    internal const string ValueField = "value";
    internal const string SetOp = "set";
    internal const string DeleteOp = "del";
    internal const string GetOp = "get";
    internal const string CountOp = "count";
    internal const string KeysOp = "keys";
    internal const string HashOp = "hash";

    /// <summary>A command that sets <paramref name="key"/> to a binary value.</summary>
    public static byte[] Set(string key, ReadOnlySpan<byte> value) =>
        Encode(Field(Op, SetOp), Field(KeyField, Key(key)), Field(ValueField, MessagePackValue.FromBinary(value.ToArray())));

    /// <summary>A command that sets <paramref name="key"/> to a string value.</summary>
    public static byte[] Set(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Encode(Field(Op, SetOp), Field(KeyField, Key(key)), Field(ValueField, MessagePackValue.From(value)));
    }

    /// <summary>A command that removes <paramref name="key"/>.</summary>
    public static byte[] Delete(string key) => Encode(Field(Op, DeleteOp), Field(KeyField, Key(key)));

    /// <summary>A query for the value of <paramref name="key"/>; read the answer with <see cref="ReadValue"/>.</summary>
    public static byte[] Get(string key) => Encode(Field(Op, GetOp), Field(KeyField, Key(key)));

    /// <summary>A query for the number of keys; read the answer with <see cref="ReadCount"/>.</summary>
    public static byte[] Count() => Encode(Field(Op, CountOp));

    /// <summary>A query for the keys (at most <see cref="KeyValueStateMachine.MaxKeysReturned"/>); read the answer with <see cref="ReadKeys"/>.</summary>
    public static byte[] Keys() => Encode(Field(Op, KeysOp));

    /// <summary>
    /// Reads the answer to <see cref="Get"/>: null when the key is absent, else the value's bytes (a string value
    /// as its UTF-8 bytes). A malformed answer is an <see cref="InvalidDataException"/>.
    /// </summary>
    public static byte[]? ReadValue(ReadOnlySpan<byte> response)
    {
        var value = DecodeResponse(response);
        if (value.IsNil)
            return null;
        if (value.TryGetBinary(out var binary))
            return binary.ToArray();
        if (value.TryGetString(out var text))
            return Encoding.UTF8.GetBytes(text);
        throw new InvalidDataException($"a get answer is a binary, a string or nil, not {value.Kind}");
    }

    /// <summary>A query for the state's SHA-256 (see <see cref="KeyValueStateHash"/>); read the answer with <see cref="ReadHash"/>.</summary>
    public static byte[] Hash() => Encode(Field(Op, HashOp));

    /// <summary>Reads the answer to <see cref="Hash"/> as lowercase hex.</summary>
    public static string ReadHash(ReadOnlySpan<byte> response) =>
        DecodeResponse(response).TryGetBinary(out var hash) && hash.Length == 32
            ? Convert.ToHexStringLower(hash.Span)
            : throw new InvalidDataException("a hash answer is a 32-byte binary");

    /// <summary>Reads the answer to <see cref="Count"/>.</summary>
    public static long ReadCount(ReadOnlySpan<byte> response) =>
        DecodeResponse(response).TryGetInt64(out var count) && count >= 0
            ? count
            : throw new InvalidDataException("a count answer is a non-negative integer");

    /// <summary>Reads the answer to <see cref="Keys"/>.</summary>
    public static IReadOnlyList<string> ReadKeys(ReadOnlySpan<byte> response)
    {
        if (!DecodeResponse(response).TryGetArray(out var items))
            throw new InvalidDataException("a keys answer is an array of strings");
        var keys = new string[items.Count];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = items[i].TryGetString(out var key) ? key : throw new InvalidDataException($"key {i} of a keys answer is {items[i].Kind}, not a string");
        return keys;
    }

    private static MessagePackValue DecodeResponse(ReadOnlySpan<byte> response) =>
        MessagePackCodec.TryDecodeExact(response, out var value, out var error)
            ? value
            : throw new InvalidDataException($"the answer is not MessagePack: {error}");

    private static MessagePackValue Key(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return MessagePackValue.From(key);
    }

    private static KeyValuePair<MessagePackValue, MessagePackValue> Field(string name, string value) => Field(name, MessagePackValue.From(value));

    private static KeyValuePair<MessagePackValue, MessagePackValue> Field(string name, MessagePackValue value) => new(MessagePackValue.From(name), value);

    private static byte[] Encode(params KeyValuePair<MessagePackValue, MessagePackValue>[] fields) => MessagePackCodec.Encode(MessagePackValue.Map(fields));
}
