using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace RaftRunner.Protocol.MessagePack;

public static partial class MessagePackCodec
{
    /// <summary>
    /// Decodes the first MessagePack value in <paramref name="input"/>. Never throws.
    /// </summary>
    /// <remarks>
    /// <para>Accepts every non-extension format: nil, booleans, fixints, uint8-64, int8-64, float32/64, fixstr and
    /// str8/16/32, bin8/16/32, fixarray/array16/32 and fixmap/map16/32. uint64/int64 values decode exactly
    /// (msgpack-lite would round them to a double); float32 widens to double.</para>
    /// <para>Like msgpack-lite's <c>decode(buffer)</c>, bytes after the first value are ignored
    /// (<paramref name="consumed"/> tells where it ended); use <see cref="TryDecodeExact"/> to reject them.</para>
    /// <para>Strings are decoded leniently, exactly like msgpack-lite (Node.js <c>Buffer#toString("utf-8")</c>):
    /// each maximal invalid UTF-8 subsequence becomes U+FFFD.</para>
    /// <para>Rejected with an error, where msgpack-lite differs: extension types (fixext1-16, ext8/16/32), which
    /// msgpack-lite turns into Error/Date/typed-array objects or ExtBuffers but zmq-raft never sends; and arrays and
    /// maps nested deeper than <see cref="MaxDepth"/> (msgpack-lite has no limit). Also rejected, as by
    /// msgpack-lite: the never-used type 0xc1, empty and truncated input.</para>
    /// <para>Hostile input is cheap: a length or element count that cannot fit in the remaining bytes is an error
    /// before anything is allocated, and the memory a decode uses is bounded by a small multiple of the input
    /// size. Errors are one line naming what and where, e.g.
    /// <c>truncated str8 at offset 5: needs 200 bytes, 3 remain</c>.</para>
    /// </remarks>
    /// <param name="input">The bytes to decode.</param>
    /// <param name="value">The decoded value; <see cref="MessagePackValue.Nil"/> on failure.</param>
    /// <param name="consumed">The length of the decoded value's encoding; 0 on failure.</param>
    /// <param name="error">Null on success; otherwise what is wrong and at which offset.</param>
    public static bool TryDecode(ReadOnlySpan<byte> input, out MessagePackValue value, out int consumed, [NotNullWhen(false)] out string? error)
    {
        var reader = new Reader(input);
        if (reader.TryRead(0, out value))
        {
            consumed = reader.Position;
            error = null;
            return true;
        }
        value = MessagePackValue.Nil;
        consumed = 0;
        error = reader.Error!;
        return false;
    }

    /// <summary>Like <see cref="TryDecode"/>, but the value must take up the whole input: trailing bytes are an error.</summary>
    public static bool TryDecodeExact(ReadOnlySpan<byte> input, out MessagePackValue value, [NotNullWhen(false)] out string? error) =>
        TryDecodeExact(input, out value, out error, out _);

    /// <summary>Decodes a value that takes up the whole of <paramref name="input"/>.</summary>
    /// <exception cref="MessagePackException">The input is not exactly one valid value; <see cref="MessagePackException.Offset"/> says where.</exception>
    public static MessagePackValue Decode(ReadOnlySpan<byte> input) =>
        TryDecodeExact(input, out var value, out var error, out var offset) ? value : throw new MessagePackException(error, offset);

    /// <summary>Decodes the first value in <paramref name="input"/>, ignoring what follows (like msgpack-lite).</summary>
    /// <exception cref="MessagePackException">The input does not start with a valid value; <see cref="MessagePackException.Offset"/> says where.</exception>
    public static MessagePackValue Decode(ReadOnlySpan<byte> input, out int consumed)
    {
        var reader = new Reader(input);
        if (!reader.TryRead(0, out var value))
            throw new MessagePackException(reader.Error!, reader.ErrorOffset);
        consumed = reader.Position;
        return value;
    }

    private static bool TryDecodeExact(ReadOnlySpan<byte> input, out MessagePackValue value, [NotNullWhen(false)] out string? error, out int errorOffset)
    {
        var reader = new Reader(input);
        if (!reader.TryRead(0, out value))
        {
            value = MessagePackValue.Nil;
            error = reader.Error!;
            errorOffset = reader.ErrorOffset;
            return false;
        }
        if (reader.Position != input.Length)
        {
            var trailing = input.Length - reader.Position;
            value = MessagePackValue.Nil;
            error = string.Create(CultureInfo.InvariantCulture,
                $"{trailing} trailing {Bytes(trailing)} at offset {reader.Position} after a complete {TypeName(input[0])}");
            errorOffset = reader.Position;
            return false;
        }
        error = null;
        errorOffset = -1;
        return true;
    }

    private static string Bytes(long count) => count == 1 ? "byte" : "bytes";

    private static string Remain(long count) => count == 1 ? "remains" : "remain";

    /// <summary>The MessagePack name of a type byte, for messages.</summary>
    internal static string TypeName(byte type) => type switch
    {
        <= 0x7f => "positive fixint",
        <= 0x8f => "fixmap",
        <= 0x9f => "fixarray",
        <= 0xbf => "fixstr",
        0xc0 => "nil",
        0xc1 => "never-used type 0xc1",
        0xc2 => "false",
        0xc3 => "true",
        0xc4 => "bin8",
        0xc5 => "bin16",
        0xc6 => "bin32",
        0xc7 => "ext8",
        0xc8 => "ext16",
        0xc9 => "ext32",
        0xca => "float32",
        0xcb => "float64",
        0xcc => "uint8",
        0xcd => "uint16",
        0xce => "uint32",
        0xcf => "uint64",
        0xd0 => "int8",
        0xd1 => "int16",
        0xd2 => "int32",
        0xd3 => "int64",
        0xd4 => "fixext1",
        0xd5 => "fixext2",
        0xd6 => "fixext4",
        0xd7 => "fixext8",
        0xd8 => "fixext16",
        0xd9 => "str8",
        0xda => "str16",
        0xdb => "str32",
        0xdc => "array16",
        0xdd => "array32",
        0xde => "map16",
        0xdf => "map32",
        _ => "negative fixint",
    };

    /// <summary>A recursive-descent reader; recursion is bounded by <see cref="MaxDepth"/>.</summary>
    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _input;
        private int _position;

        // Elements that open arrays/maps still expect beyond the one being read: each needs at least one more
        // byte, so a new container may only declare as many elements as (remaining bytes - _pending). This
        // rejects impossible counts before allocating, also when containers nest, and bounds the total size of
        // all element arrays allocated by the number of input bytes.
        private long _pending;

        public Reader(ReadOnlySpan<byte> input)
        {
            _input = input;
        }

        public readonly int Position => _position;

        public string? Error { get; private set; }

        public int ErrorOffset { get; private set; }

        private readonly int Remaining => _input.Length - _position;

        public bool TryRead(int depth, out MessagePackValue value)
        {
            value = MessagePackValue.Nil;
            var start = _position;
            if (start >= _input.Length)
                return Fail(start, $"truncated input at offset {start}: needs 1 byte for a value, 0 remain");

            var type = _input[_position++];
            switch (type)
            {
                case <= 0x7f:
                    value = MessagePackValue.SmallInt(type);
                    return true;
                case >= 0xe0:
                    value = MessagePackValue.SmallInt((sbyte)type);
                    return true;
                case <= 0x8f:
                    return TryReadMap(start, type, (uint)(type & 0x0f), depth, out value);
                case <= 0x9f:
                    return TryReadArray(start, type, (uint)(type & 0x0f), depth, out value);
                case <= 0xbf:
                    return TryReadString(start, type, (uint)(type & 0x1f), out value);
                case 0xc0:
                    return true;
                case 0xc2:
                    value = MessagePackValue.False;
                    return true;
                case 0xc3:
                    value = MessagePackValue.True;
                    return true;
                case 0xc4:
                case 0xc5:
                case 0xc6:
                    return TryReadLength(start, type, 1 << (type - 0xc4), out var binLength) && TryReadBinary(start, type, binLength, out value);
                case 0xca:
                    if (!Need(start, type, 4))
                        return false;
                    value = MessagePackValue.From((double)BinaryPrimitives.ReadSingleBigEndian(_input.Slice(_position, 4)));
                    _position += 4;
                    return true;
                case 0xcb:
                    if (!Need(start, type, 8))
                        return false;
                    value = MessagePackValue.From(BinaryPrimitives.ReadDoubleBigEndian(_input.Slice(_position, 8)));
                    _position += 8;
                    return true;
                case 0xcc:
                    if (!Need(start, type, 1))
                        return false;
                    value = MessagePackValue.SmallInt(_input[_position++]);
                    return true;
                case 0xcd:
                    if (!Need(start, type, 2))
                        return false;
                    value = MessagePackValue.From((ulong)BinaryPrimitives.ReadUInt16BigEndian(_input.Slice(_position, 2)));
                    _position += 2;
                    return true;
                case 0xce:
                    if (!Need(start, type, 4))
                        return false;
                    value = MessagePackValue.From((ulong)BinaryPrimitives.ReadUInt32BigEndian(_input.Slice(_position, 4)));
                    _position += 4;
                    return true;
                case 0xcf:
                    if (!Need(start, type, 8))
                        return false;
                    value = MessagePackValue.From(BinaryPrimitives.ReadUInt64BigEndian(_input.Slice(_position, 8)));
                    _position += 8;
                    return true;
                case 0xd0:
                    if (!Need(start, type, 1))
                        return false;
                    value = MessagePackValue.From((long)(sbyte)_input[_position++]);
                    return true;
                case 0xd1:
                    if (!Need(start, type, 2))
                        return false;
                    value = MessagePackValue.From((long)BinaryPrimitives.ReadInt16BigEndian(_input.Slice(_position, 2)));
                    _position += 2;
                    return true;
                case 0xd2:
                    if (!Need(start, type, 4))
                        return false;
                    value = MessagePackValue.From((long)BinaryPrimitives.ReadInt32BigEndian(_input.Slice(_position, 4)));
                    _position += 4;
                    return true;
                case 0xd3:
                    if (!Need(start, type, 8))
                        return false;
                    value = MessagePackValue.From(BinaryPrimitives.ReadInt64BigEndian(_input.Slice(_position, 8)));
                    _position += 8;
                    return true;
                case 0xd9:
                case 0xda:
                case 0xdb:
                    return TryReadLength(start, type, 1 << (type - 0xd9), out var strLength) && TryReadString(start, type, strLength, out value);
                case 0xdc:
                case 0xdd:
                    return TryReadLength(start, type, 2 << (type - 0xdc), out var arrayCount) && TryReadArray(start, type, arrayCount, depth, out value);
                case 0xde:
                case 0xdf:
                    return TryReadLength(start, type, 2 << (type - 0xde), out var mapCount) && TryReadMap(start, type, mapCount, depth, out value);
                case 0xc1:
                    return Fail(start, $"invalid type byte 0xc1 (never used) at offset {start}");
                default: // 0xc7-0xc9, 0xd4-0xd8
                    return Fail(start, $"unsupported extension type {TypeName(type)} (0x{type:x2}) at offset {start}");
            }
        }

        /// <summary>Checks that <paramref name="count"/> bytes follow the type byte read at <paramref name="start"/>.</summary>
        private bool Need(int start, byte type, int count) =>
            Remaining >= count ||
            Fail(start, $"truncated {TypeName(type)} at offset {start}: needs {count} {Bytes(count)}, {Remaining} {Remain(Remaining)}");

        private bool TryReadLength(int start, byte type, int size, out uint length)
        {
            length = 0;
            if (Remaining < size)
                return Fail(start, $"truncated {TypeName(type)} at offset {start}: needs {size} length {Bytes(size)}, {Remaining} {Remain(Remaining)}");
            var span = _input.Slice(_position, size);
            length = size switch
            {
                1 => span[0],
                2 => BinaryPrimitives.ReadUInt16BigEndian(span),
                _ => BinaryPrimitives.ReadUInt32BigEndian(span),
            };
            _position += size;
            return true;
        }

        private bool TryReadString(int start, byte type, uint length, out MessagePackValue value)
        {
            value = MessagePackValue.Nil;
            if (length > (uint)Remaining)
                return Fail(start, $"truncated {TypeName(type)} at offset {start}: needs {length} {Bytes(length)}, {Remaining} {Remain(Remaining)}");
            // Lenient like Node.js: invalid sequences become U+FFFD.
            value = MessagePackValue.FromDecodedString(Encoding.UTF8.GetString(_input.Slice(_position, (int)length)));
            _position += (int)length;
            return true;
        }

        private bool TryReadBinary(int start, byte type, uint length, out MessagePackValue value)
        {
            value = MessagePackValue.Nil;
            if (length > (uint)Remaining)
                return Fail(start, $"truncated {TypeName(type)} at offset {start}: needs {length} {Bytes(length)}, {Remaining} {Remain(Remaining)}");
            value = MessagePackValue.FromOwnedBytes(_input.Slice(_position, (int)length).ToArray());
            _position += (int)length;
            return true;
        }

        private bool TryReadArray(int start, byte type, uint count, int depth, out MessagePackValue value)
        {
            value = MessagePackValue.Nil;
            if (!CheckContainer(start, type, count, count, depth, "elements"))
                return false;
            if (count == 0)
            {
                value = MessagePackValue.EmptyArray;
                return true;
            }

            var items = new MessagePackValue[count];
            _pending += count;
            var childDepth = 0;
            for (var i = 0; i < items.Length; i++)
            {
                _pending--;
                if (!TryRead(depth + 1, out var item))
                    return false;
                items[i] = item;
                childDepth = Math.Max(childDepth, item.Depth);
            }
            value = MessagePackValue.FromOwnedArray(items, childDepth + 1);
            return true;
        }

        private bool TryReadMap(int start, byte type, uint count, int depth, out MessagePackValue value)
        {
            value = MessagePackValue.Nil;
            if (!CheckContainer(start, type, count, 2L * count, depth, "entries"))
                return false;
            if (count == 0)
            {
                value = MessagePackValue.EmptyMap;
                return true;
            }

            var entries = new KeyValuePair<MessagePackValue, MessagePackValue>[count];
            _pending += 2L * count;
            var childDepth = 0;
            for (var i = 0; i < entries.Length; i++)
            {
                _pending--;
                if (!TryRead(depth + 1, out var key))
                    return false;
                _pending--;
                if (!TryRead(depth + 1, out var item))
                    return false;
                entries[i] = new(key, item);
                childDepth = Math.Max(childDepth, Math.Max(key.Depth, item.Depth));
            }
            value = MessagePackValue.FromOwnedMap(entries, childDepth + 1);
            return true;
        }

        private bool CheckContainer(int start, byte type, uint count, long slots, int depth, string what)
        {
            if (depth >= MaxDepth)
                return Fail(start, $"{TypeName(type)} at offset {start} nests deeper than {MaxDepth} levels");
            var remaining = Remaining;
            if (slots > remaining - _pending)
            {
                return Fail(start, _pending == 0
                    ? $"truncated {TypeName(type)} at offset {start}: declares {count} {what} but only {remaining} {Bytes(remaining)} {Remain(remaining)}"
                    : $"truncated {TypeName(type)} at offset {start}: declares {count} {what} but only {remaining} {Bytes(remaining)} {Remain(remaining)} for them and {_pending} more elements of enclosing arrays/maps");
            }
            return true;
        }

        private bool Fail(int offset, string message)
        {
            Error = message;
            ErrorOffset = offset;
            return false;
        }
    }
}
