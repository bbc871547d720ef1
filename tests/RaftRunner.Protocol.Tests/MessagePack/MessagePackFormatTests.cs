using System.Buffers;
using RaftRunner.Protocol.MessagePack;
using static RaftRunner.Protocol.Tests.MessagePack.MessagePackTestHelpers;

namespace RaftRunner.Protocol.Tests.MessagePack;

/// <summary>Every format byte both ways, and every size boundary, in both encodings.</summary>
public sealed class MessagePackFormatTests
{
    private static void AssertRoundTrip(MessagePackValue value, string hex, MessagePackKind decodedKind)
    {
        Assert.Equal(hex, Hex(MessagePackCodec.Encode(value)));
        Assert.Equal(hex.Length / 2, MessagePackCodec.GetEncodedLength(value));
        var decoded = DecodeOk(hex);
        Assert.Equal(value, decoded);
        Assert.Equal(decodedKind, decoded.Kind);
    }

    // ---- PROTO.md examples ----------------------------------------------------------------------------

    [Fact]
    public void ProtoMd_Null_IsC0() => AssertRoundTrip(MessagePackValue.Nil, "c0", MessagePackKind.Nil);

    [Fact]
    public void ProtoMd_ArrayExample()
    {
        var value = MessagePackValue.Array(Int(42), Str("foo"), MessagePackValue.False);
        AssertRoundTrip(value, "932aa3666f6fc2", MessagePackKind.Array);
    }

    [Fact]
    public void ProtoMd_CheckpointData_IsNil()
    {
        Assert.Equal([0xc0], MessagePackCodec.Encode(MessagePackValue.Nil));
        Assert.True(MessagePackCodec.Decode([0xc0]).IsNil);
    }

    // ---- nil and booleans -------------------------------------------------------------------------

    [Fact]
    public void Booleans()
    {
        AssertRoundTrip(MessagePackValue.False, "c2", MessagePackKind.Boolean);
        AssertRoundTrip(MessagePackValue.True, "c3", MessagePackKind.Boolean);
        Assert.Same(MessagePackValue.True, MessagePackValue.From(true));
        Assert.Same(MessagePackValue.False, MessagePackValue.From(false));
    }

    // ---- integers ---------------------------------------------------------------------------------

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(1L, "01")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "cc80")]
    [InlineData(255L, "ccff")]
    [InlineData(256L, "cd0100")]
    [InlineData(65535L, "cdffff")]
    [InlineData(65536L, "ce00010000")]
    [InlineData(2147483647L, "ce7fffffff")]
    [InlineData(-1L, "ff")]
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0df")]
    [InlineData(-128L, "d080")]
    [InlineData(-129L, "d1ff7f")]
    [InlineData(-32768L, "d18000")]
    [InlineData(-32769L, "d2ffff7fff")]
    [InlineData(-2147483648L, "d280000000")]
    public void Integers_InInt32Range_UseTheSmallestIntegerFormat(long value, string hex)
    {
        AssertRoundTrip(MessagePackValue.From(value), hex, MessagePackKind.Integer);
        Assert.Equal(hex, Hex(MessagePackCodec.Encode(MessagePackValue.From(value), MessagePackEncoding.Standard)));
        // msgpack-lite treats all numbers alike: an integral double in int32 range is written the same way.
        Assert.Equal(hex, Hex(MessagePackCodec.Encode(MessagePackValue.From((double)value))));
        if (value >= 0)
            Assert.Equal(hex, Hex(MessagePackCodec.Encode(MessagePackValue.From((ulong)value))));
    }

    [Theory]
    [InlineData(2147483648L, "cb41e0000000000000", "ce80000000")]
    [InlineData(3000000000L, "cb41e65a0bc0000000", "ceb2d05e00")]
    [InlineData(4294967295L, "cb41efffffffe00000", "ceffffffff")]
    [InlineData(4294967296L, "cb41f0000000000000", "cf0000000100000000")]
    [InlineData(9007199254740991L, "cb433fffffffffffff", "cf001fffffffffffff")]
    [InlineData(9007199254740992L, "cb4340000000000000", "cf0020000000000000")]
    [InlineData(-2147483649L, "cbc1e0000000200000", "d3ffffffff7fffffff")]
    [InlineData(-4294967296L, "cbc1f0000000000000", "d3ffffffff00000000")]
    [InlineData(long.MinValue, "cbc3e0000000000000", "d38000000000000000")]
    public void Integers_OutsideInt32Range_AreFloat64LikeMsgpackLite_AndInt64InStandard(long value, string lite, string standard)
    {
        var v = MessagePackValue.From(value);
        Assert.Equal(lite, Hex(MessagePackCodec.Encode(v)));
        Assert.Equal(standard, Hex(MessagePackCodec.Encode(v, MessagePackEncoding.Standard)));

        var fromLite = DecodeOk(lite);
        Assert.Equal(MessagePackKind.Float, fromLite.Kind);
        Assert.Equal(v, fromLite);
        Assert.True(fromLite.TryGetInt64(out var back));
        Assert.Equal(value, back);

        var fromStandard = DecodeOk(standard);
        Assert.Equal(MessagePackKind.Integer, fromStandard.Kind);
        AssertStrictEqual(v, fromStandard);
    }

    [Theory]
    [InlineData(9007199254740993UL, "cf0020000000000001")] // 2^53 + 1: not a double
    [InlineData(18446744073709551615UL, "cfffffffffffffffff")]
    [InlineData(9223372036854775807UL, "cf7fffffffffffffff")]
    public void Integers_NotExactlyRepresentableAsDouble_AreUInt64EvenForMsgpackLite(ulong value, string hex)
    {
        var v = MessagePackValue.From(value);
        Assert.Equal(hex, Hex(MessagePackCodec.Encode(v)));
        Assert.Equal(hex, Hex(MessagePackCodec.Encode(v, MessagePackEncoding.Standard)));
        var decoded = DecodeOk(hex);
        AssertStrictEqual(v, decoded);
        Assert.True(decoded.TryGetUInt64(out var back));
        Assert.Equal(value, back);
    }

    [Fact]
    public void Integers_NotExactlyRepresentableAsDouble_NegativeAreInt64()
    {
        var v = MessagePackValue.From(-9007199254740993L);
        Assert.Equal("d3ffdfffffffffffff", Hex(MessagePackCodec.Encode(v)));
        AssertStrictEqual(v, DecodeOk("d3ffdfffffffffffff"));
    }

    [Fact]
    public void Integers_PowersOfTwoBeyond2To53_StayFloat64ForMsgpackLite()
    {
        Assert.Equal("cb43e0000000000000", Hex(MessagePackCodec.Encode(MessagePackValue.From(1UL << 63))));
        Assert.Equal("cf8000000000000000", Hex(MessagePackCodec.Encode(MessagePackValue.From(1UL << 63), MessagePackEncoding.Standard)));
    }

    [Fact]
    public void Integers_EveryFixintByteDecodes()
    {
        for (var b = 0; b <= 0x7f; b++)
        {
            var v = DecodeOk([(byte)b]);
            Assert.Equal(MessagePackKind.Integer, v.Kind);
            Assert.Equal(b, v.AsInt64());
            Assert.Equal([(byte)b], MessagePackCodec.Encode(v));
        }
        for (var b = 0xe0; b <= 0xff; b++)
        {
            var v = DecodeOk([(byte)b]);
            Assert.Equal(b - 256, v.AsInt64());
            Assert.Equal([(byte)b], MessagePackCodec.Encode(v));
        }
    }

    [Theory]
    [InlineData("cc00", 0L)]
    [InlineData("ccff", 255L)]
    [InlineData("cd0000", 0L)]
    [InlineData("cdffff", 65535L)]
    [InlineData("ce00000000", 0L)]
    [InlineData("ceffffffff", 4294967295L)]
    [InlineData("cf0000000000000000", 0L)]
    [InlineData("cf7fffffffffffffff", long.MaxValue)]
    [InlineData("d000", 0L)]
    [InlineData("d07f", 127L)]
    [InlineData("d080", -128L)]
    [InlineData("d10000", 0L)]
    [InlineData("d17fff", 32767L)]
    [InlineData("d18000", -32768L)]
    [InlineData("d200000000", 0L)]
    [InlineData("d27fffffff", 2147483647L)]
    [InlineData("d280000000", -2147483648L)]
    [InlineData("d30000000000000000", 0L)]
    [InlineData("d37fffffffffffffff", long.MaxValue)]
    [InlineData("d38000000000000000", long.MinValue)]
    [InlineData("d3ffffffffffffffff", -1L)]
    public void Integers_EveryIntegerFormatDecodes(string hex, long expected)
    {
        var v = DecodeOk(hex);
        Assert.Equal(MessagePackKind.Integer, v.Kind);
        Assert.Equal(expected, v.AsInt64());
        Assert.Equal(MessagePackValue.From(expected), v);
    }

    [Fact]
    public void Integers_UInt64ExtremesDecodeExactly()
    {
        var max = DecodeOk("cfffffffffffffffff");
        Assert.Equal(ulong.MaxValue, max.AsUInt64());
        Assert.False(max.TryGetInt64(out _));
        Assert.Equal("18446744073709551615", max.ToString());

        var above53 = DecodeOk("cf0020000000000001");
        Assert.Equal((1UL << 53) + 1, above53.AsUInt64());
        Assert.NotEqual(MessagePackValue.From(9007199254740992.0), above53);

        var top = DecodeOk("cf8000000000000000");
        Assert.Equal(1UL << 63, top.AsUInt64());
        Assert.False(top.TryGetInt64(out _));
    }

    // ---- floats -----------------------------------------------------------------------------------

    [Theory]
    [InlineData(1.5, "cb3ff8000000000000")]
    [InlineData(-1.5, "cbbff8000000000000")]
    [InlineData(0.1, "cb3fb999999999999a")]
    [InlineData(2147483647.5, "cb41dfffffffe00000")]
    [InlineData(double.PositiveInfinity, "cb7ff0000000000000")]
    [InlineData(double.NegativeInfinity, "cbfff0000000000000")]
    [InlineData(double.Epsilon, "cb0000000000000001")]
    [InlineData(double.MaxValue, "cb7fefffffffffffff")]
    public void Floats_NonIntegral_AreFloat64(double value, string hex)
    {
        AssertRoundTrip(MessagePackValue.From(value), hex, MessagePackKind.Float);
        Assert.Equal(hex, Hex(MessagePackCodec.Encode(MessagePackValue.From(value), MessagePackEncoding.Standard)));
    }

    [Fact]
    public void Floats_NaN_IsWrittenAsTheCanonicalNaN_LikeNode()
    {
        var nan = MessagePackValue.From(BitConverter.Int64BitsToDouble(unchecked((long)0xfff8_0000_0000_0001)));
        Assert.Equal("cb7ff8000000000000", Hex(MessagePackCodec.Encode(nan)));
        var decoded = DecodeOk("cb7ff8000000000000");
        Assert.True(decoded.TryGetDouble(out var d) && double.IsNaN(d));
        Assert.Equal(nan, decoded);
    }

    [Fact]
    public void Floats_Integral_AreIntegersForMsgpackLite_ButFloat64ForStandard()
    {
        Assert.Equal("03", Hex(MessagePackCodec.Encode(MessagePackValue.From(3.0))));
        Assert.Equal("00", Hex(MessagePackCodec.Encode(MessagePackValue.From(-0.0))));
        Assert.Equal("d280000000", Hex(MessagePackCodec.Encode(MessagePackValue.From(-2147483648.0))));
        Assert.Equal("cb41e0000000000000", Hex(MessagePackCodec.Encode(MessagePackValue.From(2147483648.0))));
        Assert.Equal("cb4008000000000000", Hex(MessagePackCodec.Encode(MessagePackValue.From(3.0), MessagePackEncoding.Standard)));
        Assert.Equal("cb8000000000000000", Hex(MessagePackCodec.Encode(MessagePackValue.From(-0.0), MessagePackEncoding.Standard)));
    }

    [Theory]
    [InlineData("ca3fc00000", 1.5)]
    [InlineData("ca00000000", 0.0)]
    [InlineData("ca3f800000", 1.0)]
    [InlineData("ca4f000000", 2147483648.0)]
    [InlineData("ca7f800000", double.PositiveInfinity)]
    [InlineData("caff800000", double.NegativeInfinity)]
    [InlineData("ca3dcccccd", 0.100000001490116119384765625)]
    public void Floats_Float32Decodes(string hex, double expected)
    {
        var v = DecodeOk(hex);
        Assert.Equal(MessagePackKind.Float, v.Kind);
        Assert.Equal(expected, v.AsDouble());
    }

    [Fact]
    public void Floats_Float32NaNAndNegativeZeroDecode()
    {
        Assert.True(double.IsNaN(DecodeOk("ca7fc00000").AsDouble()));
        Assert.True(double.IsNegative(DecodeOk("ca80000000").AsDouble()));
        Assert.True(double.IsNegative(DecodeOk("cb8000000000000000").AsDouble()));
    }

    // ---- strings ----------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, "a0")]
    [InlineData(1, "a1")]
    [InlineData(31, "bf")]
    [InlineData(32, "d920")]
    [InlineData(255, "d9ff")]
    [InlineData(256, "da0100")]
    [InlineData(65535, "daffff")]
    [InlineData(65536, "db00010000")]
    [InlineData(100000, "db000186a0")]
    public void Strings_HeaderBoundaries(int length, string header)
    {
        var text = new string('x', length);
        var bytes = MessagePackCodec.Encode(MessagePackValue.From(text));
        Assert.Equal(header, Hex(bytes.AsSpan(0, header.Length / 2)));
        Assert.Equal(header.Length / 2 + length, bytes.Length);
        Assert.Equal(bytes, MessagePackCodec.Encode(MessagePackValue.From(text), MessagePackEncoding.Standard));
        Assert.Equal(text, DecodeOk(bytes).AsString());
    }

    [Fact]
    public void Strings_HeaderDependsOnUtf8Bytes_NotChars()
    {
        // 11 three-byte chars: 11 UTF-16 units but 33 bytes, so str8.
        var bytes = MessagePackCodec.Encode(MessagePackValue.From(new string('日', 11)));
        Assert.Equal("d921e697a5", Hex(bytes.AsSpan(0, 5)));
        Assert.Equal("d920c3a9", Hex(MessagePackCodec.Encode(MessagePackValue.From(new string('é', 16))).AsSpan(0, 4)));
        Assert.Equal("a4f09f9880", Hex(MessagePackCodec.Encode(MessagePackValue.From("😀"))));
    }

    [Fact]
    public void Strings_LoneSurrogatesBecomeReplacementCharacters_LikeNode()
    {
        Assert.Equal("a3efbfbd", Hex(MessagePackCodec.Encode(MessagePackValue.From("\ud800"))));
        Assert.Equal("a561efbfbd62", Hex(MessagePackCodec.Encode(MessagePackValue.From("a\udc00b"))));
        Assert.Equal("a\ufffdb", DecodeOk("a561efbfbd62").AsString());
    }

    [Theory]
    [InlineData("d903616263")]
    [InlineData("da0003616263")]
    [InlineData("db00000003616263")]
    [InlineData("a3616263")]
    public void Strings_EveryStringFormatDecodes(string hex) => Assert.Equal("abc", DecodeOk(hex).AsString());

    [Theory]
    [InlineData("a1ff", "\ufffd")]
    [InlineData("a3e28228", "\ufffd(")]
    [InlineData("a3eda080", "\ufffd\ufffd\ufffd")]
    [InlineData("a4f09f9828", "\ufffd(")]
    [InlineData("a2c080", "\ufffd\ufffd")]
    public void Strings_InvalidUtf8_DecodesLeniently_LikeNode(string hex, string expected) => Assert.Equal(expected, DecodeOk(hex).AsString());

    // ---- binaries ---------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, "c400", "c400")]
    [InlineData(1, "c401", "c401")]
    [InlineData(254, "c4fe", "c4fe")]
    [InlineData(255, "c500ff", "c4ff")] // msgpack-lite: bin8 only below 255
    [InlineData(256, "c50100", "c50100")]
    [InlineData(65535, "c5ffff", "c5ffff")]
    [InlineData(65536, "c600010000", "c600010000")]
    public void Binaries_HeaderBoundaries(int length, string lite, string standard)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
            data[i] = (byte)(i * 7);
        var value = MessagePackValue.FromBinary(data);
        var bytes = MessagePackCodec.Encode(value);
        Assert.Equal(lite, Hex(bytes.AsSpan(0, lite.Length / 2)));
        Assert.Equal(lite.Length / 2 + length, bytes.Length);
        var std = MessagePackCodec.Encode(value, MessagePackEncoding.Standard);
        Assert.Equal(standard, Hex(std.AsSpan(0, standard.Length / 2)));
        Assert.Equal(value, DecodeOk(bytes));
        Assert.Equal(value, DecodeOk(std));
        Assert.Equal(MessagePackKind.Binary, DecodeOk(bytes).Kind);
    }

    [Theory]
    [InlineData("c403010203")]
    [InlineData("c50003010203")]
    [InlineData("c600000003010203")]
    public void Binaries_EveryBinaryFormatDecodes(string hex) => Assert.Equal([1, 2, 3], DecodeOk(hex).AsBinary().ToArray());

    // ---- arrays and maps --------------------------------------------------------------------------

    [Theory]
    [InlineData(0, "90")]
    [InlineData(1, "91")]
    [InlineData(15, "9f")]
    [InlineData(16, "dc0010")]
    [InlineData(65535, "dcffff")]
    [InlineData(65536, "dd00010000")]
    public void Arrays_HeaderBoundaries(int count, string header)
    {
        var items = new MessagePackValue[count];
        for (var i = 0; i < count; i++)
            items[i] = Int(i % 100);
        var value = MessagePackValue.Array(items);
        var bytes = MessagePackCodec.Encode(value);
        Assert.Equal(header, Hex(bytes.AsSpan(0, header.Length / 2)));
        Assert.Equal(header.Length / 2 + count, bytes.Length);
        var decoded = DecodeOk(bytes);
        Assert.Equal(value, decoded);
        Assert.Equal(count, decoded.AsArray().Count);
    }

    [Theory]
    [InlineData(0, "80")]
    [InlineData(1, "81")]
    [InlineData(15, "8f")]
    [InlineData(16, "de0010")]
    [InlineData(65535, "deffff")]
    [InlineData(65536, "df00010000")]
    public void Maps_HeaderBoundaries(int count, string header)
    {
        var entries = new KeyValuePair<MessagePackValue, MessagePackValue>[count];
        for (var i = 0; i < count; i++)
            entries[i] = new(Int(i), MessagePackValue.Nil);
        var value = MessagePackValue.Map(entries);
        var bytes = MessagePackCodec.Encode(value);
        Assert.Equal(header, Hex(bytes.AsSpan(0, header.Length / 2)));
        var decoded = DecodeOk(bytes);
        Assert.Equal(value, decoded);
        Assert.Equal(count, decoded.AsMap().Count);
    }

    [Theory]
    [InlineData("92c0c3")]
    [InlineData("dc0002c0c3")]
    [InlineData("dd00000002c0c3")]
    public void Arrays_EveryArrayFormatDecodes(string hex) =>
        Assert.Equal(MessagePackValue.Array(MessagePackValue.Nil, MessagePackValue.True), DecodeOk(hex));

    [Theory]
    [InlineData("81a161c3")]
    [InlineData("de0001a161c3")]
    [InlineData("df00000001a161c3")]
    public void Maps_EveryMapFormatDecodes(string hex) =>
        Assert.Equal(MessagePackValue.Map(Entry("a", MessagePackValue.True)), DecodeOk(hex));

    [Fact]
    public void Maps_KeepOrderAndDuplicates()
    {
        var value = DecodeOk("83a16201a16102a16203");
        var entries = value.AsMap();
        Assert.Equal(["b", "a", "b"], entries.Select(e => e.Key.AsString()));
        Assert.Equal(3, value.GetProperty("b").AsInt64());
        Assert.Equal("83a16201a16102a16203", Hex(MessagePackCodec.Encode(value)));
    }

    [Fact]
    public void ZmqRaftShapes_PeerListAndTransitionalConfig()
    {
        var peers = MessagePackValue.Array(
            MessagePackValue.Array(Str("id1"), Str("tcp://127.0.0.1:8041")),
            MessagePackValue.Array(Str("id2"), Str("tcp://127.0.0.1:8042")));
        Assert.Equal("9292a3696431b47463703a2f2f3132372e302e302e313a3830343192a3696432b47463703a2f2f3132372e302e302e313a38303432",
            Hex(MessagePackCodec.Encode(peers)));

        var config = MessagePackValue.Map(Entry("old", peers), Entry("new", peers));
        var decoded = DecodeOk(MessagePackCodec.Encode(config));
        Assert.True(decoded.TryGetProperty("old", out var old));
        Assert.Equal(peers, old);
        Assert.Equal("id2", decoded.GetProperty("new").AsArray()[1].AsArray()[0].AsString());

        var error = MessagePackValue.Map(Entry("name", Str("TypeError")), Entry("message", Str("peers must be an array")));
        Assert.Equal("82a46e616d65a9547970654572726f72a76d657373616765b67065657273206d75737420626520616e206172726179",
            Hex(MessagePackCodec.Encode(error)));
    }

    // ---- every type byte --------------------------------------------------------------------------

    [Fact]
    public void EveryTypeByte_DecodesToTheRightKindOrIsRejected()
    {
        for (var b = 0; b <= 0xff; b++)
        {
            var type = (byte)b;
            var input = new byte[64];
            input[0] = type;
            var ok = MessagePackCodec.TryDecode(input, out var value, out var consumed, out var error);
            MessagePackKind? expected = type switch
            {
                <= 0x7f or >= 0xe0 => MessagePackKind.Integer,
                <= 0x8f => MessagePackKind.Map,
                <= 0x9f => MessagePackKind.Array,
                <= 0xbf => MessagePackKind.String,
                0xc0 => MessagePackKind.Nil,
                0xc2 or 0xc3 => MessagePackKind.Boolean,
                0xc4 or 0xc5 or 0xc6 => MessagePackKind.Binary,
                0xca or 0xcb => MessagePackKind.Float,
                >= 0xcc and <= 0xd3 => MessagePackKind.Integer,
                >= 0xd9 and <= 0xdb => MessagePackKind.String,
                0xdc or 0xdd => MessagePackKind.Array,
                0xde or 0xdf => MessagePackKind.Map,
                _ => null, // 0xc1, extensions
            };
            if (expected is null)
            {
                Assert.False(ok, $"type 0x{b:x2} should be rejected");
                Assert.Contains($"0x{b:x2}", error, StringComparison.Ordinal);
                Assert.Contains("at offset 0", error, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(ok, $"type 0x{b:x2}: {error}");
                Assert.Equal(expected, value.Kind);
                Assert.InRange(consumed, 1, input.Length);
            }
        }
    }

    [Theory]
    [InlineData("d44001", "fixext1")]
    [InlineData("d5400102", "fixext2")]
    [InlineData("d64001020304", "fixext4")]
    [InlineData("d7400102030405060708", "fixext8")]
    [InlineData("d84001020304050607080910111213141516", "fixext16")]
    [InlineData("c70140ff", "ext8")]
    [InlineData("c8000140ff", "ext16")]
    [InlineData("c90000000140ff", "ext32")]
    public void ExtensionTypes_AreRejectedWithTheirName(string hex, string name)
    {
        var error = DecodeError("92c0" + hex);
        Assert.Equal($"unsupported extension type {name} (0x{hex[..2]}) at offset 2", error);
    }

    [Fact]
    public void NeverUsedC1_IsRejected() => Assert.Equal("invalid type byte 0xc1 (never used) at offset 1", DecodeError("91c1"));

    // ---- API shapes -------------------------------------------------------------------------------

    [Fact]
    public void Encode_ToBufferWriter_Appends()
    {
        var writer = new ArrayBufferWriter<byte>();
        writer.Write<byte>([0xaa]);
        MessagePackCodec.Encode(MessagePackValue.Array(Int(42), Str("foo"), MessagePackValue.False), writer);
        MessagePackCodec.Encode(MessagePackValue.From(3e9), writer, MessagePackEncoding.Standard);
        Assert.Equal("aa932aa3666f6fc2cb41e65a0bc0000000", Hex(writer.WrittenSpan));
    }

    [Fact]
    public void Decode_IgnoresTrailingBytes_LikeMsgpackLite_ButExactVariantsRejectThem()
    {
        var input = Bytes("010203");
        Assert.True(MessagePackCodec.TryDecode(input, out var value, out var consumed, out _));
        Assert.Equal(1, value.AsInt64());
        Assert.Equal(1, consumed);
        Assert.Equal(1, MessagePackCodec.Decode(input, out consumed).AsInt64());
        Assert.Equal(1, consumed);

        Assert.False(MessagePackCodec.TryDecodeExact(input, out value, out var error));
        Assert.True(value.IsNil);
        Assert.Equal("2 trailing bytes at offset 1 after a complete positive fixint", error);
        var ex = Assert.Throws<MessagePackException>(() => MessagePackCodec.Decode(input));
        Assert.Equal(1, ex.Offset);
        Assert.Equal(error, ex.Message);

        Assert.True(MessagePackCodec.TryDecodeExact(Bytes("932aa3666f6fc2"), out value, out error));
        Assert.Null(error);
        Assert.Equal(3, value.AsArray().Count);
    }

    [Fact]
    public void Decode_Throwing_ReportsOffset()
    {
        var ex = Assert.Throws<MessagePackException>(() => MessagePackCodec.Decode(Bytes("9301d90541")));
        Assert.Equal(2, ex.Offset);
        Assert.Equal("truncated str8 at offset 2: needs 5 bytes, 1 remains", ex.Message);
        Assert.Throws<MessagePackException>(() => MessagePackCodec.Decode(ReadOnlySpan<byte>.Empty, out _));
    }

    [Fact]
    public void Encode_RejectsUnknownEncoding() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MessagePackCodec.Encode(MessagePackValue.Nil, (MessagePackEncoding)7));
}
