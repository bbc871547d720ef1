using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace RaftRunner.Protocol.MessagePack;

/// <summary>
/// An immutable MessagePack value: nil, boolean, integer, float, string, binary, array or map (no extension
/// types). Arrays and maps are copied on construction and can never nest deeper than <see cref="MaxDepth"/>,
/// so every operation on a value (encoding, equality, hashing, <see cref="ToString()"/>) is bounded.
/// </summary>
/// <remarks>
/// <para><b>Numbers</b> follow JavaScript semantics, as zmq-raft's msgpack-lite does: <see cref="Kind"/> records
/// whether the number came from (or is meant for) an integer or a float format, but equality compares numeric
/// values, so <c>From(3L)</c>, <c>From(3UL)</c> and <c>From(3.0)</c> are equal (and hash alike), and a log index
/// of 3,000,000,000 that msgpack-lite sent as float64 equals <c>From(3_000_000_000L)</c>. NaN equals NaN;
/// 0.0 equals -0.0. <see cref="TryGetInt64"/>/<see cref="TryGetUInt64"/> accept floats holding an exactly
/// representable integral value.</para>
/// <para><b>Maps</b> keep their entries in order and may repeat keys (as the wire format allows); equality is
/// order-sensitive. <see cref="TryGetProperty"/> finds the <i>last</i> entry with the given string key, which is
/// the entry msgpack-lite's decoder keeps when a JavaScript object has duplicate keys.</para>
/// <para><b>Binaries</b> made with <see cref="FromBinary"/> reference an array-backed memory without copying
/// it; do not modify it afterwards. Decoded binaries own their bytes.</para>
/// </remarks>
public sealed class MessagePackValue : IEquatable<MessagePackValue>
{
    /// <summary>The deepest nesting of arrays and maps a value may have (a scalar has depth 0, <c>[1]</c> depth 1).</summary>
    public const int MaxDepth = 256;

    private const int SmallIntMin = -32;
    private const int SmallIntMax = 255;
    private const double TwoPow63 = 9223372036854775808.0;
    private const double TwoPow64 = 18446744073709551616.0;

    private static readonly MessagePackValue[] SmallInts = CreateSmallInts();

    private readonly MessagePackKind _kind;

    // Integer: true when the value is a negative Int64 (stored in _bits as two's complement).
    private readonly bool _negative;

    // Boolean: 0/1. Integer: the value's bits. Float: the IEEE 754 bits. Binary: offset (low 32) and length
    // (high 32) within the byte[] in _ref. Array/Map: the nesting depth.
    private readonly ulong _bits;

    // String: string. Binary: byte[]. Array: Items<MessagePackValue>. Map: Items<KeyValuePair<...>>.
    private readonly object? _ref;

    private MessagePackValue(MessagePackKind kind, ulong bits, bool negative, object? reference)
    {
        _kind = kind;
        _bits = bits;
        _negative = negative;
        _ref = reference;
    }

    /// <summary>nil (JavaScript <c>null</c>).</summary>
    public static MessagePackValue Nil { get; } = new(MessagePackKind.Nil, 0, false, null);

    /// <summary>true.</summary>
    public static MessagePackValue True { get; } = new(MessagePackKind.Boolean, 1, false, null);

    /// <summary>false.</summary>
    public static MessagePackValue False { get; } = new(MessagePackKind.Boolean, 0, false, null);

    internal static MessagePackValue EmptyString { get; } = new(MessagePackKind.String, 0, false, string.Empty);

    internal static MessagePackValue EmptyBinary { get; } = new(MessagePackKind.Binary, 0, false, global::System.Array.Empty<byte>());

    internal static MessagePackValue EmptyArray { get; } =
        new(MessagePackKind.Array, 1, false, new Items<MessagePackValue>(global::System.Array.Empty<MessagePackValue>()));

    internal static MessagePackValue EmptyMap { get; } =
        new(MessagePackKind.Map, 1, false, new Items<KeyValuePair<MessagePackValue, MessagePackValue>>(
            global::System.Array.Empty<KeyValuePair<MessagePackValue, MessagePackValue>>()));

    /// <summary>The value's kind.</summary>
    public MessagePackKind Kind => _kind;

    /// <summary>True for nil.</summary>
    public bool IsNil => _kind == MessagePackKind.Nil;

    /// <summary>True for <see cref="MessagePackKind.Integer"/> and <see cref="MessagePackKind.Float"/>.</summary>
    public bool IsNumber => _kind is MessagePackKind.Integer or MessagePackKind.Float;

    /// <summary>The nesting depth of arrays and maps: 0 for scalars, 1 for <c>[]</c> and <c>[1]</c>, 2 for <c>[[1]]</c>.</summary>
    public int Depth => _kind is MessagePackKind.Array or MessagePackKind.Map ? (int)_bits : 0;

    // ---- internal views for the codec ----------------------------------------------------------------

    internal ulong RawBits => _bits;

    internal bool IsNegativeInteger => _negative;

    internal double RawDouble => BitConverter.UInt64BitsToDouble(_bits);

    internal string RawString => (string)_ref!;

    internal ReadOnlySpan<byte> RawBinary => new((byte[])_ref!, (int)(uint)_bits, (int)(_bits >> 32));

    internal MessagePackValue[] RawArray => ((Items<MessagePackValue>)_ref!).Array;

    internal KeyValuePair<MessagePackValue, MessagePackValue>[] RawMap =>
        ((Items<KeyValuePair<MessagePackValue, MessagePackValue>>)_ref!).Array;

    // ---- factories ------------------------------------------------------------------------------------

    /// <summary>A boolean.</summary>
    public static MessagePackValue From(bool value) => value ? True : False;

    /// <summary>An integer.</summary>
    public static MessagePackValue From(long value) =>
        value is >= SmallIntMin and <= SmallIntMax
            ? SmallInts[value - SmallIntMin]
            : new(MessagePackKind.Integer, (ulong)value, value < 0, null);

    /// <summary>An integer.</summary>
    public static MessagePackValue From(ulong value) =>
        value <= SmallIntMax ? SmallInts[(int)value - SmallIntMin] : new(MessagePackKind.Integer, value, false, null);

    /// <summary>A float (written by the default encoding as an integer when integral and in [-2^31, 2^31), like any JavaScript number).</summary>
    public static MessagePackValue From(double value) => new(MessagePackKind.Float, BitConverter.DoubleToUInt64Bits(value), false, null);

    /// <summary>A string. Lone surrogates are written as U+FFFD (EF BF BD), as Node.js does.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null (use <see cref="Nil"/>).</exception>
    public static MessagePackValue From(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length == 0 ? EmptyString : new(MessagePackKind.String, 0, false, value);
    }

    /// <summary>A binary. Array-backed memory is referenced, not copied (do not modify it afterwards); other memory is copied.</summary>
    public static MessagePackValue FromBinary(ReadOnlyMemory<byte> value)
    {
        if (value.IsEmpty)
            return EmptyBinary;
        if (MemoryMarshal.TryGetArray(value, out var segment) && segment.Array is not null)
            return new(MessagePackKind.Binary, PackSegment(segment.Offset, segment.Count), false, segment.Array);
        return FromOwnedBytes(value.ToArray());
    }

    /// <summary>An array of the given items (copied).</summary>
    /// <exception cref="ArgumentException">An item is null, or the array would nest deeper than <see cref="MaxDepth"/>.</exception>
    public static MessagePackValue Array(params MessagePackValue[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Length == 0 ? EmptyArray : CreateArray((MessagePackValue[])items.Clone());
    }

    /// <summary>An array of the given items (copied).</summary>
    /// <exception cref="ArgumentException">An item is null, or the array would nest deeper than <see cref="MaxDepth"/>.</exception>
    public static MessagePackValue Array(IEnumerable<MessagePackValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        MessagePackValue[] copy = [.. items];
        return copy.Length == 0 ? EmptyArray : CreateArray(copy);
    }

    /// <summary>A map of the given entries, in this order (copied). Keys may be any value and may repeat.</summary>
    /// <exception cref="ArgumentException">A key or value is null, or the map would nest deeper than <see cref="MaxDepth"/>.</exception>
    public static MessagePackValue Map(params KeyValuePair<MessagePackValue, MessagePackValue>[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Length == 0 ? EmptyMap : CreateMap((KeyValuePair<MessagePackValue, MessagePackValue>[])entries.Clone());
    }

    /// <summary>A map of the given entries, in this order (copied). Keys may be any value and may repeat.</summary>
    /// <exception cref="ArgumentException">A key or value is null, or the map would nest deeper than <see cref="MaxDepth"/>.</exception>
    public static MessagePackValue Map(IEnumerable<KeyValuePair<MessagePackValue, MessagePackValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        KeyValuePair<MessagePackValue, MessagePackValue>[] copy = [.. entries];
        return copy.Length == 0 ? EmptyMap : CreateMap(copy);
    }

    internal static MessagePackValue SmallInt(int value) => SmallInts[value - SmallIntMin];

    internal static MessagePackValue FromOwnedBytes(byte[] bytes) =>
        bytes.Length == 0 ? EmptyBinary : new(MessagePackKind.Binary, PackSegment(0, bytes.Length), false, bytes);

    internal static MessagePackValue FromDecodedString(string value) =>
        value.Length == 0 ? EmptyString : new(MessagePackKind.String, 0, false, value);

    /// <summary>For the decoder: takes ownership of <paramref name="items"/>; <paramref name="depth"/> is already checked.</summary>
    internal static MessagePackValue FromOwnedArray(MessagePackValue[] items, int depth) =>
        items.Length == 0 ? EmptyArray : new(MessagePackKind.Array, (ulong)depth, false, new Items<MessagePackValue>(items));

    /// <summary>For the decoder: takes ownership of <paramref name="entries"/>; <paramref name="depth"/> is already checked.</summary>
    internal static MessagePackValue FromOwnedMap(KeyValuePair<MessagePackValue, MessagePackValue>[] entries, int depth) =>
        entries.Length == 0
            ? EmptyMap
            : new(MessagePackKind.Map, (ulong)depth, false, new Items<KeyValuePair<MessagePackValue, MessagePackValue>>(entries));

    private static MessagePackValue CreateArray(MessagePackValue[] items)
    {
        var depth = 0;
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i] ?? throw new ArgumentException($"array item {i} is null (use MessagePackValue.Nil)", nameof(items));
            depth = Math.Max(depth, item.Depth);
        }
        return new(MessagePackKind.Array, (ulong)CheckDepth(depth + 1), false, new Items<MessagePackValue>(items));
    }

    private static MessagePackValue CreateMap(KeyValuePair<MessagePackValue, MessagePackValue>[] entries)
    {
        var depth = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            var key = entries[i].Key ?? throw new ArgumentException($"map key {i} is null (use MessagePackValue.Nil)", nameof(entries));
            var value = entries[i].Value ?? throw new ArgumentException($"map value {i} is null (use MessagePackValue.Nil)", nameof(entries));
            depth = Math.Max(depth, Math.Max(key.Depth, value.Depth));
        }
        return new(MessagePackKind.Map, (ulong)CheckDepth(depth + 1), false,
            new Items<KeyValuePair<MessagePackValue, MessagePackValue>>(entries));
    }

    private static int CheckDepth(int depth) =>
        depth <= MaxDepth ? depth : throw new ArgumentException($"MessagePack values may nest at most {MaxDepth} arrays/maps deep");

    private static ulong PackSegment(int offset, int count) => (uint)offset | ((ulong)(uint)count << 32);

    private static MessagePackValue[] CreateSmallInts()
    {
        var values = new MessagePackValue[SmallIntMax - SmallIntMin + 1];
        for (var i = SmallIntMin; i <= SmallIntMax; i++)
            values[i - SmallIntMin] = new(MessagePackKind.Integer, (ulong)(long)i, i < 0, null);
        return values;
    }

    // ---- accessors ------------------------------------------------------------------------------------

    /// <summary>Gets a boolean.</summary>
    public bool TryGetBoolean(out bool value)
    {
        if (_kind != MessagePackKind.Boolean)
        {
            value = false;
            return false;
        }
        value = _bits != 0;
        return true;
    }

    /// <summary>Gets an integer that fits Int64: an <see cref="MessagePackKind.Integer"/>, or a float holding an integral value in [-2^63, 2^63).</summary>
    public bool TryGetInt64(out long value)
    {
        switch (_kind)
        {
            case MessagePackKind.Integer when _negative || _bits <= long.MaxValue:
                value = (long)_bits;
                return true;
            case MessagePackKind.Float when TryGetIntegral(RawDouble, out var bits, out var negative) && (negative || bits <= long.MaxValue):
                value = (long)bits;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Gets a non-negative integer that fits UInt64: an <see cref="MessagePackKind.Integer"/>, or a float holding an integral value in [0, 2^64).</summary>
    public bool TryGetUInt64(out ulong value)
    {
        switch (_kind)
        {
            case MessagePackKind.Integer when !_negative:
                value = _bits;
                return true;
            case MessagePackKind.Float when TryGetIntegral(RawDouble, out var bits, out var negative) && !negative:
                value = bits;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Gets a number as a double; integers convert (rounding to the nearest double beyond 2^53).</summary>
    public bool TryGetDouble(out double value)
    {
        switch (_kind)
        {
            case MessagePackKind.Float:
                value = RawDouble;
                return true;
            case MessagePackKind.Integer:
                value = _negative ? (long)_bits : (double)_bits;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Gets a string.</summary>
    public bool TryGetString([NotNullWhen(true)] out string? value)
    {
        value = _kind == MessagePackKind.String ? (string)_ref! : null;
        return value is not null;
    }

    /// <summary>Gets a binary's bytes (empty when not a binary).</summary>
    public bool TryGetBinary(out ReadOnlyMemory<byte> value)
    {
        if (_kind != MessagePackKind.Binary)
        {
            value = ReadOnlyMemory<byte>.Empty;
            return false;
        }
        value = new((byte[])_ref!, (int)(uint)_bits, (int)(_bits >> 32));
        return true;
    }

    /// <summary>Gets an array's items (an empty list when not an array).</summary>
    public bool TryGetArray(out IReadOnlyList<MessagePackValue> items)
    {
        if (_kind != MessagePackKind.Array)
        {
            items = EmptyArray.RawItems<MessagePackValue>();
            return false;
        }
        items = RawItems<MessagePackValue>();
        return true;
    }

    /// <summary>Gets a map's entries in order (an empty list when not a map).</summary>
    public bool TryGetMap(out IReadOnlyList<KeyValuePair<MessagePackValue, MessagePackValue>> entries)
    {
        if (_kind != MessagePackKind.Map)
        {
            entries = EmptyMap.RawItems<KeyValuePair<MessagePackValue, MessagePackValue>>();
            return false;
        }
        entries = RawItems<KeyValuePair<MessagePackValue, MessagePackValue>>();
        return true;
    }

    /// <summary>
    /// Gets the value of the last map entry whose key is the string <paramref name="key"/> (ordinal comparison),
    /// like a JavaScript object decoded by msgpack-lite. <see cref="Nil"/> and false when this is not a map or
    /// has no such key.
    /// </summary>
    public bool TryGetProperty(string key, out MessagePackValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_kind == MessagePackKind.Map)
        {
            var entries = RawMap;
            for (var i = entries.Length - 1; i >= 0; i--)
            {
                var k = entries[i].Key;
                if (k._kind == MessagePackKind.String && string.Equals((string)k._ref!, key, StringComparison.Ordinal))
                {
                    value = entries[i].Value;
                    return true;
                }
            }
        }
        value = Nil;
        return false;
    }

    /// <summary>The boolean, or an <see cref="InvalidOperationException"/> naming what was found instead.</summary>
    public bool AsBoolean() => TryGetBoolean(out var v) ? v : throw Mismatch("a boolean");

    /// <summary>The integer (see <see cref="TryGetInt64"/>), or an <see cref="InvalidOperationException"/> naming what was found instead.</summary>
    public long AsInt64() => TryGetInt64(out var v) ? v : throw Mismatch("an integer in the Int64 range");

    /// <summary>The integer (see <see cref="TryGetUInt64"/>), or an <see cref="InvalidOperationException"/> naming what was found instead.</summary>
    public ulong AsUInt64() => TryGetUInt64(out var v) ? v : throw Mismatch("a non-negative integer in the UInt64 range");

    /// <summary>The number as a double, or an <see cref="InvalidOperationException"/> naming what was found instead.</summary>
    public double AsDouble() => TryGetDouble(out var v) ? v : throw Mismatch("a number");

    /// <summary>The string, or an <see cref="InvalidOperationException"/> naming what was found instead.</summary>
    public string AsString() => TryGetString(out var v) ? v : throw Mismatch("a string");

    /// <summary>The binary's bytes, or an <see cref="InvalidOperationException"/> naming what was found instead.</summary>
    public ReadOnlyMemory<byte> AsBinary() => TryGetBinary(out var v) ? v : throw Mismatch("a binary");

    /// <summary>The array's items, or an <see cref="InvalidOperationException"/> naming what was found instead.</summary>
    public IReadOnlyList<MessagePackValue> AsArray() => TryGetArray(out var v) ? v : throw Mismatch("an array");

    /// <summary>The map's entries, or an <see cref="InvalidOperationException"/> naming what was found instead.</summary>
    public IReadOnlyList<KeyValuePair<MessagePackValue, MessagePackValue>> AsMap() => TryGetMap(out var v) ? v : throw Mismatch("a map");

    /// <summary>The property (see <see cref="TryGetProperty"/>), or an <see cref="InvalidOperationException"/> saying what is missing.</summary>
    public MessagePackValue GetProperty(string key)
    {
        if (TryGetProperty(key, out var value))
            return value;
        throw _kind == MessagePackKind.Map
            ? new InvalidOperationException($"map has no \"{key}\" key: {ToString(120)}")
            : Mismatch($"a map with a \"{key}\" key");
    }

    private InvalidOperationException Mismatch(string expected) => new($"expected {expected}, got {Describe(120)}");

    /// <summary>The kind and the value, for messages: "nil", "integer 42", "string \"abc\"".</summary>
    internal string Describe(int maxLength) => _kind switch
    {
        MessagePackKind.Nil => "nil",
        MessagePackKind.Boolean => "boolean " + ToString(),
        MessagePackKind.Integer => "integer " + ToString(),
        MessagePackKind.Float => "float " + ToString(),
        MessagePackKind.String => "string " + ToString(maxLength),
        MessagePackKind.Binary => "binary " + ToString(maxLength),
        MessagePackKind.Array => "array " + ToString(maxLength),
        _ => "map " + ToString(maxLength),
    };

    private Items<T> RawItems<T>() => (Items<T>)_ref!;

    /// <summary>The integral value of a finite double in [-2^63, 2^64) with no fractional part; -0.0 gives 0.</summary>
    internal static bool TryGetIntegral(double d, out ulong bits, out bool negative)
    {
        if (d >= -TwoPow63 && d < TwoPow64 && d == Math.Floor(d))
        {
            negative = d < 0;
            bits = negative ? (ulong)(long)d : (ulong)d;
            return true;
        }
        bits = 0;
        negative = false;
        return false;
    }

    // ---- equality -------------------------------------------------------------------------------------

    /// <summary>Structural equality; numbers compare by numeric value across Integer and Float (see the type remarks).</summary>
    public bool Equals(MessagePackValue? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        if (other is null)
            return false;
        if (_kind != other._kind)
            return IsNumber && other.IsNumber && (_kind == MessagePackKind.Integer ? IntegerEqualsFloat(this, other) : IntegerEqualsFloat(other, this));

        switch (_kind)
        {
            case MessagePackKind.Nil:
                return true;
            case MessagePackKind.Boolean:
                return _bits == other._bits;
            case MessagePackKind.Integer:
                return _bits == other._bits && _negative == other._negative;
            case MessagePackKind.Float:
                {
                    double a = RawDouble, b = other.RawDouble;
                    return a == b || (double.IsNaN(a) && double.IsNaN(b));
                }
            case MessagePackKind.String:
                return string.Equals((string)_ref!, (string)other._ref!, StringComparison.Ordinal);
            case MessagePackKind.Binary:
                return RawBinary.SequenceEqual(other.RawBinary);
            case MessagePackKind.Array:
                {
                    var a = RawArray;
                    var b = other.RawArray;
                    if (a.Length != b.Length)
                        return false;
                    for (var i = 0; i < a.Length; i++)
                    {
                        if (!a[i].Equals(b[i]))
                            return false;
                    }
                    return true;
                }
            default:
                {
                    var a = RawMap;
                    var b = other.RawMap;
                    if (a.Length != b.Length)
                        return false;
                    for (var i = 0; i < a.Length; i++)
                    {
                        if (!a[i].Key.Equals(b[i].Key) || !a[i].Value.Equals(b[i].Value))
                            return false;
                    }
                    return true;
                }
        }
    }

    private static bool IntegerEqualsFloat(MessagePackValue integer, MessagePackValue number) =>
        TryGetIntegral(number.RawDouble, out var bits, out var negative) && bits == integer._bits && negative == integer._negative;

    public override bool Equals(object? obj) => Equals(obj as MessagePackValue);

    public override int GetHashCode()
    {
        switch (_kind)
        {
            case MessagePackKind.Nil:
                return 0x6e696c;
            case MessagePackKind.Boolean:
                return (int)_bits + 1;
            case MessagePackKind.Integer:
                return _bits.GetHashCode();
            case MessagePackKind.Float:
                {
                    var d = RawDouble;
                    if (TryGetIntegral(d, out var bits, out _))
                        return bits.GetHashCode(); // equal integers hash alike
                    return double.IsNaN(d) ? 0x4e614e : d.GetHashCode();
                }
            case MessagePackKind.String:
                return StringComparer.Ordinal.GetHashCode((string)_ref!);
            case MessagePackKind.Binary:
                {
                    var hash = new HashCode();
                    hash.AddBytes(RawBinary);
                    return hash.ToHashCode();
                }
            case MessagePackKind.Array:
                {
                    var hash = new HashCode();
                    foreach (var item in RawArray)
                        hash.Add(item.GetHashCode());
                    return hash.ToHashCode();
                }
            default:
                {
                    var hash = new HashCode();
                    hash.Add(0x6d6170);
                    foreach (var entry in RawMap)
                    {
                        hash.Add(entry.Key.GetHashCode());
                        hash.Add(entry.Value.GetHashCode());
                    }
                    return hash.ToHashCode();
                }
        }
    }

    public static bool operator ==(MessagePackValue? left, MessagePackValue? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(MessagePackValue? left, MessagePackValue? right) => !(left == right);

    // ---- text -----------------------------------------------------------------------------------------

    /// <summary>
    /// JSON-like text for logs and error messages: <c>null</c>, <c>true</c>, <c>42</c>, <c>1.5</c>, <c>NaN</c>,
    /// <c>"text"</c> (JSON escapes), <c>&lt;bin 3: 0a0b0c&gt;</c>, <c>[1, 2]</c>, <c>{"key": value}</c>.
    /// </summary>
    public override string ToString() => ToString(int.MaxValue);

    /// <summary>Like <see cref="ToString()"/> but cut to about <paramref name="maxLength"/> characters, ending in "…".</summary>
    public string ToString(int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var text = new StringBuilder();
        Append(text, maxLength);
        if (text.Length > maxLength)
        {
            text.Length = maxLength;
            text.Append('…');
        }
        return text.ToString();
    }

    private void Append(StringBuilder text, int maxLength)
    {
        if (text.Length > maxLength)
            return;
        switch (_kind)
        {
            case MessagePackKind.Nil:
                text.Append("null");
                break;
            case MessagePackKind.Boolean:
                text.Append(_bits != 0 ? "true" : "false");
                break;
            case MessagePackKind.Integer:
                if (_negative)
                    text.Append((long)_bits);
                else
                    text.Append(_bits);
                break;
            case MessagePackKind.Float:
                text.Append(RawDouble.ToString("R", CultureInfo.InvariantCulture));
                break;
            case MessagePackKind.String:
                AppendQuoted(text, (string)_ref!, maxLength);
                break;
            case MessagePackKind.Binary:
                {
                    var bytes = RawBinary;
                    text.Append("<bin ").Append(bytes.Length).Append(':');
                    if (bytes.Length > 0)
                        text.Append(' ');
                    var shown = Math.Min(bytes.Length, Math.Min(64, Math.Max(0, (maxLength - text.Length + 2) / 2)));
                    text.Append(Convert.ToHexStringLower(bytes[..shown]));
                    if (shown < bytes.Length)
                        text.Append('…');
                    text.Append('>');
                    break;
                }
            case MessagePackKind.Array:
                {
                    text.Append('[');
                    var items = RawArray;
                    for (var i = 0; i < items.Length && text.Length <= maxLength; i++)
                    {
                        if (i > 0)
                            text.Append(", ");
                        items[i].Append(text, maxLength);
                    }
                    text.Append(']');
                    break;
                }
            default:
                {
                    text.Append('{');
                    var entries = RawMap;
                    for (var i = 0; i < entries.Length && text.Length <= maxLength; i++)
                    {
                        if (i > 0)
                            text.Append(", ");
                        entries[i].Key.Append(text, maxLength);
                        text.Append(": ");
                        entries[i].Value.Append(text, maxLength);
                    }
                    text.Append('}');
                    break;
                }
        }
    }

    private static void AppendQuoted(StringBuilder text, string value, int maxLength)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            if (text.Length > maxLength)
                return;
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
                continue;
            }
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    if (c < 0x20 || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029' || c == '\u007f')
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }

    /// <summary>A read-only view of an array that callers cannot cast back to a mutable array.</summary>
    private sealed class Items<T>(T[] array) : IReadOnlyList<T>
    {
        public T[] Array { get; } = array;

        public int Count => Array.Length;

        public T this[int index] => Array[index];

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Array).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
