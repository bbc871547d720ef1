using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Protocol.Tests.MessagePack;

internal static class MessagePackTestHelpers
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static MessagePackValue Int(long value) => MessagePackValue.From(value);

    public static MessagePackValue Str(string value) => MessagePackValue.From(value);

    public static KeyValuePair<MessagePackValue, MessagePackValue> Entry(string key, MessagePackValue value) => new(MessagePackValue.From(key), value);

    public static MessagePackValue DecodeOk(string hex) => DecodeOk(Bytes(hex));

    public static MessagePackValue DecodeOk(byte[] bytes)
    {
        Assert.True(MessagePackCodec.TryDecode(bytes, out var value, out var consumed, out var error), $"decode of {Hex(bytes)} failed: {error}");
        Assert.Equal(bytes.Length, consumed);
        return value;
    }

    public static string DecodeError(string hex) => DecodeError(Bytes(hex));

    public static string DecodeError(byte[] bytes)
    {
        Assert.False(MessagePackCodec.TryDecode(bytes, out var value, out var consumed, out var error), $"decode of {Hex(bytes)} unexpectedly succeeded: {value}");
        Assert.True(value.IsNil);
        Assert.Equal(0, consumed);
        Assert.False(string.IsNullOrEmpty(error));
        Assert.DoesNotContain('\n', error);
        return error;
    }

    /// <summary>Structural equality that also requires equal kinds (Integer vs Float) and identical float bits except NaN payloads.</summary>
    public static bool StrictEquals(MessagePackValue a, MessagePackValue b)
    {
        if (a.Kind != b.Kind)
            return false;
        switch (a.Kind)
        {
            case MessagePackKind.Float:
                {
                    a.TryGetDouble(out var x);
                    b.TryGetDouble(out var y);
                    return double.IsNaN(x) ? double.IsNaN(y) : BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y);
                }
            case MessagePackKind.Array:
                {
                    a.TryGetArray(out var x);
                    b.TryGetArray(out var y);
                    if (x.Count != y.Count)
                        return false;
                    for (var i = 0; i < x.Count; i++)
                    {
                        if (!StrictEquals(x[i], y[i]))
                            return false;
                    }
                    return true;
                }
            case MessagePackKind.Map:
                {
                    a.TryGetMap(out var x);
                    b.TryGetMap(out var y);
                    if (x.Count != y.Count)
                        return false;
                    for (var i = 0; i < x.Count; i++)
                    {
                        if (!StrictEquals(x[i].Key, y[i].Key) || !StrictEquals(x[i].Value, y[i].Value))
                            return false;
                    }
                    return true;
                }
            default:
                return a.Equals(b);
        }
    }

    public static void AssertStrictEqual(MessagePackValue expected, MessagePackValue actual)
    {
        if (!StrictEquals(expected, actual))
            Assert.Fail($"expected {expected.Kind} {expected.ToString(300)}, got {actual.Kind} {actual.ToString(300)}");
    }
}
