using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Protocol.Tests.Frames;

/// <summary>PROTO.md "Frame data types" and its examples, byte for byte.</summary>
public sealed class FrameCodecTests
{
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(255UL, "ff")]
    [InlineData(256UL, "0001")]
    [InlineData(65535UL, "ffff")]
    [InlineData(65536UL, "000001")]
    [InlineData(9007199254740991UL, "ffffffffffff1f")]
    public void Uint_is_least_significant_byte_first_in_the_shortest_form(ulong value, string hex)
    {
        Assert.Equal(hex, Convert.ToHexStringLower(FrameCodec.EncodeUInt(value).Span));
        Assert.True(FrameCodec.TryReadUInt(Convert.FromHexString(hex), out var read, out var error), error);
        Assert.Equal(value, read);
    }

    [Fact]
    public void Uint_reads_non_minimal_forms_as_zmq_raft_does()
    {
        Assert.True(FrameCodec.TryReadUInt([0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], out var v, out _));
        Assert.Equal(42UL, v);
    }

    [Fact]
    public void An_empty_uint_frame_is_an_error_but_an_empty_nuint_is_null()
    {
        Assert.False(FrameCodec.TryReadUInt([], out _, out var error));
        Assert.Contains("empty", error);
        Assert.True(FrameCodec.TryReadNUInt([], out var n, out _));
        Assert.Null(n);
        Assert.True(FrameCodec.EncodeNUInt(null).IsEmpty);
    }

    [Fact]
    public void A_uint_longer_than_8_bytes_is_an_error()
    {
        Assert.False(FrameCodec.TryReadUInt(new byte[9], out _, out var error));
        Assert.Contains("9 bytes", error);
    }

    [Fact]
    public void A_uint_above_2_pow_53_is_an_error_where_zmq_raft_would_throw()
    {
        Assert.False(FrameCodec.TryReadUInt([0, 0, 0, 0, 0, 0, 0x20], out _, out var error));
        Assert.Contains("2^53", error);
        Assert.False(FrameCodec.TryReadUInt([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameCodec.EncodeUInt(1UL << 53));
    }

    [Fact]
    public void Uint32_takes_one_to_four_bytes()
    {
        Assert.True(FrameCodec.TryReadUInt32([0xff, 0xff, 0xff, 0xff], out var v, out _));
        Assert.Equal(uint.MaxValue, v);
        Assert.False(FrameCodec.TryReadUInt32(new byte[5], out _, out var error));
        Assert.Contains("longer than 4", error);
        Assert.False(FrameCodec.TryReadUInt32([], out _, out _));
    }

    [Fact]
    public void Bool_false_is_an_empty_frame_and_true_is_0x01()
    {
        Assert.True(FrameCodec.EncodeBool(false).IsEmpty);
        Assert.Equal(new byte[] { 1 }, FrameCodec.EncodeBool(true).ToArray());
        Assert.False(FrameCodec.ReadBool([]));
        Assert.False(FrameCodec.ReadBool([0]));
        Assert.False(FrameCodec.ReadBool([0, 1])); // the first byte decides
        Assert.True(FrameCodec.ReadBool([2]));
    }

    [Fact]
    public void String_is_utf8_without_terminator_and_invalid_utf8_is_an_error()
    {
        Assert.Equal("666f6f", Convert.ToHexStringLower(FrameCodec.EncodeString("foo").Span));
        Assert.True(FrameCodec.TryReadString("zażółć"u8, out var s, out _));
        Assert.Equal("zażółć", s);
        Assert.False(FrameCodec.TryReadString([0xff, 0xfe], out _, out var error));
        Assert.Contains("UTF-8", error);
    }

    [Fact]
    public void Json_examples_of_PROTO_md()
    {
        Assert.Equal("c0", Convert.ToHexStringLower(MessagePackCodec.Encode(MessagePackValue.Nil)));
        var value = MessagePackValue.Array(MessagePackValue.From(42L), MessagePackValue.From("foo"), MessagePackValue.From(false));
        Assert.Equal("932aa3666f6fc2", Convert.ToHexStringLower(MessagePackCodec.Encode(value)));
    }

    [Fact]
    public void Small_uints_are_cached_so_heartbeats_do_not_allocate()
    {
        Assert.True(FrameCodec.EncodeUInt(7).Span == FrameCodec.EncodeUInt(7).Span);
    }
}
