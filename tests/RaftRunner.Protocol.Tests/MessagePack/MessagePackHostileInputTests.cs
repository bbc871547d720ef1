using System.Diagnostics;
using RaftRunner.Protocol.MessagePack;
using static RaftRunner.Protocol.Tests.MessagePack.MessagePackTestHelpers;

namespace RaftRunner.Protocol.Tests.MessagePack;

/// <summary>Malformed and hostile input: errors, never exceptions; bounded time, depth and memory.</summary>
public sealed class MessagePackHostileInputTests
{
    /// <summary>
    /// Bytes a decode may allocate per input byte, plus a constant for the error text. The worst case is a chain of
    /// one-element arrays (0x91 0x91 ...): each input byte becomes a value object, a read-only list and a
    /// one-slot element array, about 96 bytes on 64-bit .NET.
    /// </summary>
    internal const int AllocationPerInputByte = 128;

    internal const int AllocationConstant = 4096;

    private static IEnumerable<byte[]> ValidEncodings()
    {
        foreach (var c in MessagePackVectors.EncodeCases)
        {
            if (c.TryGetProperty("hex", out var hex))
                yield return Convert.FromHexString(hex.GetString()!);
        }
        yield return MessagePackCodec.Encode(MessagePackValue.From(ulong.MaxValue), MessagePackEncoding.Standard);
        yield return MessagePackCodec.Encode(MessagePackValue.From(long.MinValue), MessagePackEncoding.Standard);
        yield return Bytes("ca3fc00000");
        yield return Bytes("c4ff" + new string('a', 510));
    }

    [Fact]
    public void TruncatedAtEveryPosition_IsAnError()
    {
        var cases = 0;
        foreach (var bytes in ValidEncodings())
        {
            Assert.True(MessagePackCodec.TryDecodeExact(bytes, out _, out var fullError), fullError);
            for (var length = 0; length < bytes.Length; length++)
            {
                var ok = MessagePackCodec.TryDecode(bytes.AsSpan(0, length), out _, out _, out var error);
                Assert.False(ok, $"prefix {length} of {Hex(bytes)} decoded");
                Assert.StartsWith("truncated ", error, StringComparison.Ordinal);
                Assert.Contains(" at offset ", error, StringComparison.Ordinal);
                cases++;
            }
        }
        Assert.True(cases > 10000, $"only {cases} truncations");
    }

    [Theory]
    [InlineData("", "truncated input at offset 0: needs 1 byte for a value, 0 remain")]
    [InlineData("9500000000d9c8414141", "truncated str8 at offset 5: needs 200 bytes, 3 remain")]
    [InlineData("a2", "truncated fixstr at offset 0: needs 2 bytes, 0 remain")]
    [InlineData("d9", "truncated str8 at offset 0: needs 1 length byte, 0 remain")]
    [InlineData("db0000", "truncated str32 at offset 0: needs 4 length bytes, 2 remain")]
    [InlineData("dbffffffff41", "truncated str32 at offset 0: needs 4294967295 bytes, 1 remains")]
    [InlineData("c6ffffffff00", "truncated bin32 at offset 0: needs 4294967295 bytes, 1 remains")]
    [InlineData("ddffffffff0102", "truncated array32 at offset 0: declares 4294967295 elements but only 2 bytes remain")]
    [InlineData("dfffffffff0102", "truncated map32 at offset 0: declares 4294967295 entries but only 2 bytes remain")]
    [InlineData("8101", "truncated fixmap at offset 0: declares 1 entries but only 1 byte remains")]
    [InlineData("92dc0003010203", "truncated array16 at offset 1: declares 3 elements but only 3 bytes remain for them and 1 more elements of enclosing arrays/maps")]
    [InlineData("cd01", "truncated uint16 at offset 0: needs 2 bytes, 1 remains")]
    [InlineData("9301cb0000", "truncated float64 at offset 2: needs 8 bytes, 2 remain")]
    public void Errors_AreOneLineNamingWhatAndWhere(string hex, string expected) => Assert.Equal(expected, DecodeError(hex));

    [Theory]
    [InlineData((byte)0x91)]
    [InlineData((byte)0xdc)]
    [InlineData((byte)0x81)]
    public void DeepNesting_IsAFastError_NotAStackOverflow(byte opener)
    {
        // 100,000 nested containers: [[[[...]]]], array16 [[[...]]] or {"": {"": ...}}.
        var unit = opener switch
        {
            0x91 => new byte[] { 0x91 },
            0xdc => [0xdc, 0x00, 0x01],
            _ => [0x81, 0xa0],
        };
        var input = new byte[unit.Length * 100_000 + 1];
        for (var i = 0; i < 100_000; i++)
            unit.CopyTo(input, i * unit.Length);
        input[^1] = 0xc0;

        var stopwatch = Stopwatch.StartNew();
        Assert.False(MessagePackCodec.TryDecode(input, out _, out _, out var error));
        stopwatch.Stop();
        Assert.Contains($"at offset {256 * unit.Length} nests deeper than 256 levels", error, StringComparison.Ordinal);
        Assert.True(stopwatch.ElapsedMilliseconds < 1000, $"took {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Nesting256Deep_IsAccepted_257IsNot()
    {
        var ok = Bytes(string.Concat(Enumerable.Repeat("91", 256)) + "c0");
        var value = DecodeOk(ok);
        Assert.Equal(256, value.Depth);
        Assert.Equal(ok, MessagePackCodec.Encode(value));

        DecodeError(string.Concat(Enumerable.Repeat("91", 257)) + "c0");

        // Maps used as keys count as nesting too.
        var keys = Bytes(string.Concat(Enumerable.Repeat("81", 256)) + "c0" + string.Concat(Enumerable.Repeat("c0", 256)));
        Assert.Equal(256, DecodeOk(keys).Depth);
        Assert.Contains("nests deeper than 256", DecodeError(string.Concat(Enumerable.Repeat("81", 257)) + "c0" + string.Concat(Enumerable.Repeat("c0", 257))),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dbffffffff")]
    [InlineData("c6ffffffff")]
    [InlineData("ddffffffff")]
    [InlineData("dfffffffff")]
    [InlineData("c67fffffff")]
    [InlineData("dd7fffffff")]
    public void HugeLengthPrefixes_FailBeforeAllocating(string header)
    {
        var input = Bytes(header + "c0c0c0c0c0c0c0c0");
        MessagePackCodec.TryDecode(input, out _, out _, out _); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.False(MessagePackCodec.TryDecode(input, out _, out _, out var error));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith("truncated ", error, StringComparison.Ordinal);
        Assert.True(allocated < 2048, $"allocated {allocated} bytes");
    }

    [Fact]
    public void NestedContainersClaimingTheSameBytes_AreRejectedWithoutAllocatingForEachClaim()
    {
        // Every array16 claims 65535 elements; each claim alone fits in the input, all of them together do not.
        var input = new byte[3 * 30_000];
        for (var i = 0; i < 30_000; i++)
        {
            input[3 * i] = 0xdc;
            input[3 * i + 1] = 0xff;
            input[3 * i + 2] = 0xff;
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.False(MessagePackCodec.TryDecode(input, out _, out _, out var error));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("truncated array16 at offset 3: declares 65535 elements but only 89994 bytes remain for them and 65534 more elements of enclosing arrays/maps", error);
        Assert.True(allocated <= AllocationPerInputByte * input.Length, $"allocated {allocated} bytes for {input.Length} input bytes");
    }

    [Theory]
    [InlineData("91c0")] // one-element arrays
    [InlineData("81c0c0")] // one-entry maps
    [InlineData("a161")] // one-char strings
    [InlineData("c40161")] // one-byte binaries
    [InlineData("cd0100")] // uncached integers
    [InlineData("cb3ff8000000000000")] // floats
    [InlineData("00")] // cached integers
    [InlineData("91919191919191919191c0")] // nested one-element arrays, the worst case
    public void MemoryUse_IsBoundedByASmallMultipleOfTheInput(string elementHex)
    {
        var element = Bytes(elementHex);
        var count = 60_000 / element.Length;
        var input = new byte[5 + count * element.Length];
        input[0] = 0xdd;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(1), count);
        for (var i = 0; i < count; i++)
            element.CopyTo(input, 5 + i * element.Length);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(MessagePackCodec.TryDecode(input, out var value, out _, out var error), error);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(count, value.AsArray().Count);
        Assert.True(allocated <= AllocationPerInputByte * input.Length, $"allocated {allocated} bytes for {input.Length} input bytes ({(double)allocated / input.Length:F1} per byte)");
    }
}
