using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Text;

namespace RaftRunner.Protocol.MessagePack;

/// <summary>
/// MessagePack encoding and decoding compatible with msgpack-lite 0.1.26, the library zmq-raft uses for its
/// <c>json</c> frames and CONFIG log entries. See <see cref="MessagePackEncoding"/> for how values are written and
/// <see cref="TryDecode"/> for what is accepted.
/// </summary>
public static partial class MessagePackCodec
{
    /// <summary>The deepest nesting of arrays and maps that is encoded or decoded (<see cref="MessagePackValue.MaxDepth"/>).</summary>
    public const int MaxDepth = MessagePackValue.MaxDepth;

    private const ulong CanonicalNaN = 0x7ff8_0000_0000_0000;

    /// <summary>Encodes <paramref name="value"/> exactly as msgpack-lite 0.1.26 would (<see cref="MessagePackEncoding.MsgpackLite"/>).</summary>
    public static byte[] Encode(MessagePackValue value) => Encode(value, MessagePackEncoding.MsgpackLite);

    /// <summary>Encodes <paramref name="value"/> with the given format choice.</summary>
    /// <exception cref="MessagePackException">The encoding would exceed the largest array .NET can allocate.</exception>
    public static byte[] Encode(MessagePackValue value, MessagePackEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(value);
        var size = CheckedSize(value, encoding);
        var bytes = GC.AllocateUninitializedArray<byte>(size);
        var written = Write(value, bytes, encoding);
        Debug.Assert(written == size, "size and write passes disagree");
        return bytes;
    }

    /// <summary>Appends the msgpack-lite encoding (<see cref="MessagePackEncoding.MsgpackLite"/>) of <paramref name="value"/> to <paramref name="output"/>.</summary>
    public static void Encode(MessagePackValue value, IBufferWriter<byte> output) => Encode(value, output, MessagePackEncoding.MsgpackLite);

    /// <summary>Appends the encoding of <paramref name="value"/> to <paramref name="output"/> (as one contiguous span).</summary>
    /// <exception cref="MessagePackException">The encoding would exceed the largest array .NET can allocate.</exception>
    public static void Encode(MessagePackValue value, IBufferWriter<byte> output, MessagePackEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        var size = CheckedSize(value, encoding);
        var span = output.GetSpan(size);
        var written = Write(value, span, encoding);
        Debug.Assert(written == size, "size and write passes disagree");
        output.Advance(size);
    }

    /// <summary>The number of bytes <see cref="Encode(MessagePackValue, MessagePackEncoding)"/> produces.</summary>
    public static long GetEncodedLength(MessagePackValue value, MessagePackEncoding encoding = MessagePackEncoding.MsgpackLite)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Measure(value, encoding);
    }

    private static int CheckedSize(MessagePackValue value, MessagePackEncoding encoding)
    {
        if (encoding is not (MessagePackEncoding.MsgpackLite or MessagePackEncoding.Standard))
            throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown MessagePack encoding");
        var size = Measure(value, encoding);
        return size <= Array.MaxLength
            ? (int)size
            : throw new MessagePackException($"the encoding would take {size} bytes, more than a .NET array can hold");
    }

    // ---- sizing ---------------------------------------------------------------------------------------

    private static long Measure(MessagePackValue value, MessagePackEncoding encoding)
    {
        switch (value.Kind)
        {
            case MessagePackKind.Nil:
            case MessagePackKind.Boolean:
                return 1;
            case MessagePackKind.Integer:
            case MessagePackKind.Float:
                return FormatSize(ClassifyNumber(value, encoding, out _));
            case MessagePackKind.String:
                {
                    var length = Encoding.UTF8.GetByteCount(value.RawString);
                    return StringHeaderSize(length) + (long)length;
                }
            case MessagePackKind.Binary:
                {
                    var length = value.RawBinary.Length;
                    return BinaryHeaderSize(length, encoding) + (long)length;
                }
            case MessagePackKind.Array:
                {
                    var items = value.RawArray;
                    long size = ContainerHeaderSize(items.Length);
                    foreach (var item in items)
                        size += Measure(item, encoding);
                    return size;
                }
            default:
                {
                    var entries = value.RawMap;
                    long size = ContainerHeaderSize(entries.Length);
                    foreach (var entry in entries)
                        size += Measure(entry.Key, encoding) + Measure(entry.Value, encoding);
                    return size;
                }
        }
    }

    private static int StringHeaderSize(int length) => length < 32 ? 1 : length <= 0xff ? 2 : length <= 0xffff ? 3 : 5;

    // msgpack-lite writes bin8 only below 255 bytes (its test is `length < 0xFF`).
    private static int BinaryHeaderSize(int length, MessagePackEncoding encoding) =>
        length < (encoding == MessagePackEncoding.MsgpackLite ? 0xff : 0x100) ? 2 : length <= 0xffff ? 3 : 5;

    private static int ContainerHeaderSize(int count) => count < 16 ? 1 : count <= 0xffff ? 3 : 5;

    private static int FormatSize(byte format) => format switch
    {
        0xcc or 0xd0 => 2,
        0xcd or 0xd1 => 3,
        0xce or 0xd2 or 0xca => 5,
        0xcf or 0xd3 or 0xcb => 9,
        _ => 1, // positive or negative fixint
    };

    // ---- numbers --------------------------------------------------------------------------------------

    /// <summary>
    /// Chooses the format for a number: returns the type byte (for fixints the whole encoding) and the payload
    /// bits to write after it.
    /// </summary>
    private static byte ClassifyNumber(MessagePackValue value, MessagePackEncoding encoding, out ulong payload)
    {
        if (value.Kind == MessagePackKind.Integer)
        {
            var bits = value.RawBits;
            var negative = value.IsNegativeInteger;
            if (encoding == MessagePackEncoding.MsgpackLite && !FitsInt32(bits, negative) && IsExactDouble(bits, negative))
            {
                // msgpack-lite: any number outside the int32 range is a float64.
                payload = BitConverter.DoubleToUInt64Bits(negative ? (long)bits : (double)bits);
                return 0xcb;
            }
            return ClassifyInteger(bits, negative, out payload);
        }

        var d = value.RawDouble;
        if (encoding == MessagePackEncoding.MsgpackLite)
        {
            // msgpack-lite: `value | 0` is the number itself exactly when it is integral and in int32 range
            // (so -0 is written as 0x00); everything else, NaN and infinities included, is a float64.
            if (d is >= int.MinValue and <= int.MaxValue && d == Math.Truncate(d))
            {
                var l = (long)d;
                return ClassifyInteger((ulong)l, l < 0, out payload);
            }
            payload = double.IsNaN(d) ? CanonicalNaN : BitConverter.DoubleToUInt64Bits(d);
            return 0xcb;
        }
        payload = value.RawBits;
        return 0xcb;
    }

    private static bool FitsInt32(ulong bits, bool negative) =>
        negative ? (long)bits >= int.MinValue : bits <= int.MaxValue;

    private static bool IsExactDouble(ulong bits, bool negative)
    {
        var magnitude = negative ? 0 - bits : bits;
        if (magnitude <= 1UL << 53)
            return true;
        var significant = 64 - BitOperations.LeadingZeroCount(magnitude) - BitOperations.TrailingZeroCount(magnitude);
        return significant <= 53;
    }

    private static byte ClassifyInteger(ulong bits, bool negative, out ulong payload)
    {
        payload = bits;
        if (!negative)
        {
            return bits switch
            {
                <= 0x7f => (byte)bits,
                <= 0xff => 0xcc,
                <= 0xffff => 0xcd,
                <= 0xffff_ffff => 0xce,
                _ => 0xcf,
            };
        }
        return (long)bits switch
        {
            >= -32 => (byte)bits,
            >= sbyte.MinValue => 0xd0,
            >= short.MinValue => 0xd1,
            >= int.MinValue => 0xd2,
            _ => 0xd3,
        };
    }

    // ---- writing --------------------------------------------------------------------------------------

    private static int Write(MessagePackValue value, Span<byte> destination, MessagePackEncoding encoding)
    {
        var position = 0;
        WriteValue(value, destination, ref position, encoding);
        return position;
    }

    private static void WriteValue(MessagePackValue value, Span<byte> destination, ref int position, MessagePackEncoding encoding)
    {
        switch (value.Kind)
        {
            case MessagePackKind.Nil:
                destination[position++] = 0xc0;
                break;
            case MessagePackKind.Boolean:
                destination[position++] = value.RawBits != 0 ? (byte)0xc3 : (byte)0xc2;
                break;
            case MessagePackKind.Integer:
            case MessagePackKind.Float:
                WriteNumber(value, destination, ref position, encoding);
                break;
            case MessagePackKind.String:
                WriteString(value.RawString, destination, ref position);
                break;
            case MessagePackKind.Binary:
                {
                    var bytes = value.RawBinary;
                    var length = bytes.Length;
                    if (length < (encoding == MessagePackEncoding.MsgpackLite ? 0xff : 0x100))
                        WriteHeader8(destination, ref position, 0xc4, length);
                    else if (length <= 0xffff)
                        WriteHeader16(destination, ref position, 0xc5, length);
                    else
                        WriteHeader32(destination, ref position, 0xc6, length);
                    bytes.CopyTo(destination[position..]);
                    position += length;
                    break;
                }
            case MessagePackKind.Array:
                {
                    var items = value.RawArray;
                    WriteContainerHeader(destination, ref position, 0x90, 0xdc, items.Length);
                    foreach (var item in items)
                        WriteValue(item, destination, ref position, encoding);
                    break;
                }
            default:
                {
                    var entries = value.RawMap;
                    WriteContainerHeader(destination, ref position, 0x80, 0xde, entries.Length);
                    foreach (var entry in entries)
                    {
                        WriteValue(entry.Key, destination, ref position, encoding);
                        WriteValue(entry.Value, destination, ref position, encoding);
                    }
                    break;
                }
        }
    }

    private static void WriteNumber(MessagePackValue value, Span<byte> destination, ref int position, MessagePackEncoding encoding)
    {
        var format = ClassifyNumber(value, encoding, out var payload);
        destination[position++] = format;
        switch (format)
        {
            case 0xcc:
            case 0xd0:
                destination[position++] = (byte)payload;
                break;
            case 0xcd:
            case 0xd1:
                BinaryPrimitives.WriteUInt16BigEndian(destination[position..], (ushort)payload);
                position += 2;
                break;
            case 0xce:
            case 0xd2:
                BinaryPrimitives.WriteUInt32BigEndian(destination[position..], (uint)payload);
                position += 4;
                break;
            case 0xcf:
            case 0xd3:
            case 0xcb:
                BinaryPrimitives.WriteUInt64BigEndian(destination[position..], payload);
                position += 8;
                break;
            default:
                break; // fixint: the format byte is the value
        }
    }

    private static void WriteString(string text, Span<byte> destination, ref int position)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        if (length < 32)
            destination[position++] = (byte)(0xa0 | length);
        else if (length <= 0xff)
            WriteHeader8(destination, ref position, 0xd9, length);
        else if (length <= 0xffff)
            WriteHeader16(destination, ref position, 0xda, length);
        else
            WriteHeader32(destination, ref position, 0xdb, length);
        var written = Encoding.UTF8.GetBytes(text, destination[position..]);
        Debug.Assert(written == length, "UTF-8 byte count changed between passes");
        position += written;
    }

    private static void WriteContainerHeader(Span<byte> destination, ref int position, byte fixBase, byte format16, int count)
    {
        if (count < 16)
            destination[position++] = (byte)(fixBase | count);
        else if (count <= 0xffff)
            WriteHeader16(destination, ref position, format16, count);
        else
            WriteHeader32(destination, ref position, (byte)(format16 + 1), count);
    }

    private static void WriteHeader8(Span<byte> destination, ref int position, byte format, int length)
    {
        destination[position] = format;
        destination[position + 1] = (byte)length;
        position += 2;
    }

    private static void WriteHeader16(Span<byte> destination, ref int position, byte format, int length)
    {
        destination[position] = format;
        BinaryPrimitives.WriteUInt16BigEndian(destination[(position + 1)..], (ushort)length);
        position += 3;
    }

    private static void WriteHeader32(Span<byte> destination, ref int position, byte format, int length)
    {
        destination[position] = format;
        BinaryPrimitives.WriteUInt32BigEndian(destination[(position + 1)..], (uint)length);
        position += 5;
    }
}
