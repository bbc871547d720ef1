using System.Security.Cryptography;
using System.Text.Json;
using RaftRunner.Protocol.MessagePack;
using static RaftRunner.Protocol.Tests.MessagePack.MessagePackTestHelpers;

namespace RaftRunner.Protocol.Tests.MessagePack;

/// <summary>Cross-implementation vectors produced by msgpack-lite 0.1.26 (tests/vectors/msgpack/generate.js).</summary>
public sealed class MessagePackVectorTests
{
    public static TheoryData<int, string> EncodeCaseNames() => Names(MessagePackVectors.EncodeCases);

    public static TheoryData<int, string> DecodeCaseNames() => Names(MessagePackVectors.DecodeCases);

    private static TheoryData<int, string> Names(IEnumerable<JsonElement> cases)
    {
        var data = new TheoryData<int, string>();
        var index = 0;
        foreach (var c in cases)
            data.Add(index++, c.GetProperty("name").GetString()!);
        return data;
    }

    [Fact]
    public void VectorsComeFromMsgpackLite0126_AndCoverEnoughCases()
    {
        Assert.Equal("0.1.26", MessagePackVectors.Root.GetProperty("msgpackLite").GetString());
        Assert.True(MessagePackVectors.EncodeCases.Count() >= 300);
        Assert.True(MessagePackVectors.DecodeCases.Count() >= 100);
    }

    [Theory]
    [MemberData(nameof(EncodeCaseNames))]
    public void Encode_MatchesMsgpackLite_AndDecodeReadsItBack(int index, string name)
    {
        var c = MessagePackVectors.EncodeCases.ElementAt(index);
        Assert.Equal(name, c.GetProperty("name").GetString());
        var value = MessagePackVectors.ToValue(c.GetProperty("value"));

        var bytes = MessagePackCodec.Encode(value);
        if (c.TryGetProperty("hex", out var hex))
        {
            Assert.Equal(hex.GetString(), Hex(bytes));
        }
        else
        {
            Assert.Equal(c.GetProperty("length").GetInt32(), bytes.Length);
            Assert.Equal(c.GetProperty("head").GetString(), Hex(bytes.AsSpan(0, 16)));
            Assert.Equal(c.GetProperty("sha256").GetString(), Hex(SHA256.HashData(bytes)));
        }

        Assert.True(MessagePackCodec.TryDecodeExact(bytes, out var decoded, out var error), error);
        var tagged = c.TryGetProperty("decoded", out var d) ? d : c.GetProperty("value");
        var expected = MessagePackVectors.ToValue(tagged);
        Assert.Equal(expected, decoded);
        if (!tagged.GetRawText().Contains("Of\":", StringComparison.Ordinal)) // compact descriptions of big values
        {
            var reason = MessagePackVectors.CompareWithJavaScript(decoded, tagged);
            Assert.True(reason is null, reason);
        }

        // The standard encoding of the same value reads back to an equal value too.
        Assert.Equal(expected, MessagePackCodec.Decode(MessagePackCodec.Encode(value, MessagePackEncoding.Standard)));
    }

    [Theory]
    [MemberData(nameof(DecodeCaseNames))]
    public void Decode_AgreesWithMsgpackLite(int index, string name)
    {
        var c = MessagePackVectors.DecodeCases.ElementAt(index);
        Assert.Equal(name, c.GetProperty("name").GetString());
        var bytes = Convert.FromHexString(c.GetProperty("hex").GetString()!);
        var ok = MessagePackCodec.TryDecode(bytes, out var value, out var consumed, out var error);

        if (c.GetProperty("ours").GetString() == "error")
        {
            Assert.False(ok, $"expected an error, decoded {value.ToString(200)}");
            Assert.Contains("offset", error, StringComparison.Ordinal);
            Assert.False(MessagePackCodec.TryDecodeExact(bytes, out _, out _));
            return;
        }

        Assert.True(ok, error);
        var expectedConsumed = c.TryGetProperty("consumed", out var cons) ? cons.GetInt32() : bytes.Length;
        Assert.Equal(expectedConsumed, consumed);
        Assert.Equal(expectedConsumed == bytes.Length, MessagePackCodec.TryDecodeExact(bytes, out _, out _));

        if (c.TryGetProperty("exact", out var exact))
            AssertStrictEqual(MessagePackVectors.ToValue(exact), value);

        // What msgpack-lite returned, under JavaScript semantics (uint64/int64 beyond 2^53 are lossy there).
        var reason = MessagePackVectors.CompareWithJavaScript(value, c.GetProperty("lite"));
        Assert.True(reason is null, reason);
    }
}
