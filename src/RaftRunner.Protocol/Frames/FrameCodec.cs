using System.Buffers.Binary;
using System.Text;

namespace RaftRunner.Protocol.Frames;

/// <summary>
/// The frame data types of PROTO.md ("Frame data types"): <c>uint</c>, <c>nuint</c>, <c>uint32</c>,
/// <c>bool</c>, <c>string</c>, <c>bytes</c>. Integers are least-significant byte first in the shortest
/// form zmq-raft writes (0 is one 0x00 byte). zmq-raft accepts up to 2^53 − 1; a larger value, or more
/// than 8 bytes, is a protocol error here (zmq-raft itself throws on it).
/// </summary>
public static class FrameCodec
{
    /// <summary>The largest integer zmq-raft (JavaScript) can represent exactly: 2^53 − 1.</summary>
    public const ulong MaxSafeInteger = (1UL << 53) - 1;

    private static readonly byte[][] SmallUInts = CreateSmallUInts();
    private static readonly byte[] TrueFrame = [1];

    /// <summary>An empty frame: the encoding of <c>false</c>, of a null <c>nuint</c>, and of an empty string or bytes.</summary>
    public static ReadOnlyMemory<byte> Empty => ReadOnlyMemory<byte>.Empty;

    public static ReadOnlyMemory<byte> EncodeBool(bool value) => value ? TrueFrame : ReadOnlyMemory<byte>.Empty;

    /// <summary>A <c>uint</c> frame; values below 256 share cached arrays, so heartbeats allocate nothing for them.</summary>
    public static ReadOnlyMemory<byte> EncodeUInt(ulong value)
    {
        if (value > MaxSafeInteger)
            throw new ArgumentOutOfRangeException(nameof(value), value, "zmq-raft integers must not exceed 2^53 - 1");
        if (value < 256)
            return SmallUInts[value];
        var length = (64 - System.Numerics.BitOperations.LeadingZeroCount(value) + 7) / 8;
        var bytes = new byte[length];
        WriteUInt(value, bytes);
        return bytes;
    }

    /// <summary>A <c>nuint</c> frame: empty for null.</summary>
    public static ReadOnlyMemory<byte> EncodeNUInt(ulong? value) => value is { } v ? EncodeUInt(v) : ReadOnlyMemory<byte>.Empty;

    public static ReadOnlyMemory<byte> EncodeString(string value) => Encoding.UTF8.GetBytes(value);

    /// <summary>Writes <paramref name="value"/> LSB first into exactly <paramref name="destination"/>'s length (zero-padded).</summary>
    public static void WriteUInt(ulong value, Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)value;
            value >>= 8;
        }
    }

    /// <summary>Reads a <c>uint</c>: 1–8 bytes, at most 2^53 − 1; an empty frame is an error.</summary>
    public static bool TryReadUInt(ReadOnlySpan<byte> frame, out ulong value, out string? error)
    {
        value = 0;
        if (frame.IsEmpty)
        {
            error = "empty frame where an unsigned integer is required";
            return false;
        }
        return TryReadLittleEndian(frame, 8, out value, out error);
    }

    /// <summary>Reads a <c>nuint</c>: like <c>uint</c>, but an empty frame is null.</summary>
    public static bool TryReadNUInt(ReadOnlySpan<byte> frame, out ulong? value, out string? error)
    {
        value = null;
        if (frame.IsEmpty)
        {
            error = null;
            return true;
        }
        if (!TryReadLittleEndian(frame, 8, out var v, out error))
            return false;
        value = v;
        return true;
    }

    /// <summary>Reads a <c>uint32</c>: 1–4 bytes.</summary>
    public static bool TryReadUInt32(ReadOnlySpan<byte> frame, out uint value, out string? error)
    {
        value = 0;
        if (frame.IsEmpty)
        {
            error = "empty frame where a 32-bit unsigned integer is required";
            return false;
        }
        if (!TryReadLittleEndian(frame, 4, out var v, out error))
            return false;
        value = (uint)v;
        return true;
    }

    /// <summary>A <c>bool</c>: true when the frame has a first byte and it is not zero (any length accepted, as zmq-raft does).</summary>
    public static bool ReadBool(ReadOnlySpan<byte> frame) => !frame.IsEmpty && frame[0] != 0;

    /// <summary>A <c>string</c>: UTF-8; invalid sequences are an error rather than silently replaced.</summary>
    public static bool TryReadString(ReadOnlySpan<byte> frame, out string value, out string? error)
    {
        try
        {
            value = StrictUtf8.GetString(frame);
            error = null;
            return true;
        }
        catch (DecoderFallbackException)
        {
            value = "";
            error = "string frame is not valid UTF-8";
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool TryReadLittleEndian(ReadOnlySpan<byte> frame, int maxBytes, out ulong value, out string? error)
    {
        value = 0;
        if (frame.Length > maxBytes)
        {
            error = $"integer of {frame.Length} bytes is longer than {maxBytes}";
            return false;
        }
        Span<byte> padded = stackalloc byte[8];
        padded.Clear();
        frame.CopyTo(padded);
        value = BinaryPrimitives.ReadUInt64LittleEndian(padded);
        if (value > MaxSafeInteger)
        {
            error = $"integer {value} is above 2^53 - 1, the largest zmq-raft accepts";
            value = 0;
            return false;
        }
        error = null;
        return true;
    }

    private static byte[][] CreateSmallUInts()
    {
        var table = new byte[256][];
        for (var i = 0; i < table.Length; i++)
            table[i] = [(byte)i];
        return table;
    }
}
