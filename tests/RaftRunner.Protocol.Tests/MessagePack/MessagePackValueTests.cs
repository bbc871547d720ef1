using System.Buffers;
using RaftRunner.Protocol.MessagePack;
using static RaftRunner.Protocol.Tests.MessagePack.MessagePackTestHelpers;

namespace RaftRunner.Protocol.Tests.MessagePack;

public sealed class MessagePackValueTests
{
    [Fact]
    public void Kinds()
    {
        Assert.Equal(MessagePackKind.Nil, MessagePackValue.Nil.Kind);
        Assert.True(MessagePackValue.Nil.IsNil);
        Assert.Equal(MessagePackKind.Boolean, MessagePackValue.True.Kind);
        Assert.Equal(MessagePackKind.Integer, MessagePackValue.From(5L).Kind);
        Assert.Equal(MessagePackKind.Integer, MessagePackValue.From(5UL).Kind);
        Assert.Equal(MessagePackKind.Float, MessagePackValue.From(5.0).Kind);
        Assert.Equal(MessagePackKind.String, Str("").Kind);
        Assert.Equal(MessagePackKind.Binary, MessagePackValue.FromBinary(Array.Empty<byte>()).Kind);
        Assert.Equal(MessagePackKind.Array, MessagePackValue.Array().Kind);
        Assert.Equal(MessagePackKind.Map, MessagePackValue.Map().Kind);
        Assert.False(Int(1).IsNil);
        Assert.True(Int(1).IsNumber);
        Assert.True(MessagePackValue.From(1.5).IsNumber);
        Assert.False(Str("1").IsNumber);
    }

    [Fact]
    public void Accessors_HappyPath()
    {
        Assert.True(MessagePackValue.True.TryGetBoolean(out var b) && b);
        Assert.True(Int(-5).TryGetInt64(out var l) && l == -5);
        Assert.True(MessagePackValue.From(ulong.MaxValue).TryGetUInt64(out var u) && u == ulong.MaxValue);
        Assert.True(MessagePackValue.From(2.5).TryGetDouble(out var d) && d == 2.5);
        Assert.True(Str("héllo").TryGetString(out var s) && s == "héllo");
        Assert.True(MessagePackValue.FromBinary(new byte[] { 1, 2 }).TryGetBinary(out var bin) && bin.Span.SequenceEqual(new byte[] { 1, 2 }));
        Assert.True(MessagePackValue.Array(Int(1), Int(2)).TryGetArray(out var items) && items.Count == 2 && items[1].AsInt64() == 2);
        Assert.True(MessagePackValue.Map(Entry("k", Int(1))).TryGetMap(out var entries) && entries.Count == 1 && entries[0].Key.AsString() == "k");
    }

    [Fact]
    public void Accessors_KindMismatch_ReturnFalseWithNeutralValues()
    {
        var s = Str("x");
        Assert.False(s.TryGetBoolean(out var b));
        Assert.False(b);
        Assert.False(s.TryGetInt64(out var l));
        Assert.Equal(0, l);
        Assert.False(s.TryGetUInt64(out var u));
        Assert.Equal(0UL, u);
        Assert.False(s.TryGetDouble(out var d));
        Assert.Equal(0, d);
        Assert.False(Int(1).TryGetString(out var str));
        Assert.Null(str);
        Assert.False(s.TryGetBinary(out var bin));
        Assert.True(bin.IsEmpty);
        Assert.False(s.TryGetArray(out var items));
        Assert.Empty(items);
        Assert.False(s.TryGetMap(out var entries));
        Assert.Empty(entries);
        Assert.False(s.TryGetProperty("x", out var property));
        Assert.True(property.IsNil);
    }

    [Fact]
    public void Accessors_ThrowingVariantsNameWhatWasFound()
    {
        Assert.Equal("expected a string, got integer 42", Assert.Throws<InvalidOperationException>(() => Int(42).AsString()).Message);
        Assert.Equal("expected an integer in the Int64 range, got string \"42\"", Assert.Throws<InvalidOperationException>(() => Str("42").AsInt64()).Message);
        Assert.Equal("expected an array, got nil", Assert.Throws<InvalidOperationException>(() => MessagePackValue.Nil.AsArray()).Message);
        Assert.Equal("expected a non-negative integer in the UInt64 range, got integer -1",
            Assert.Throws<InvalidOperationException>(() => Int(-1).AsUInt64()).Message);
        Assert.Equal("map has no \"new\" key: {\"old\": []}",
            Assert.Throws<InvalidOperationException>(() => MessagePackValue.Map(Entry("old", MessagePackValue.Array())).GetProperty("new")).Message);
        Assert.Equal("expected a map with a \"new\" key, got array []",
            Assert.Throws<InvalidOperationException>(() => MessagePackValue.Array().GetProperty("new")).Message);
        Assert.Throws<InvalidOperationException>(() => Int(1).AsBoolean());
        Assert.Throws<InvalidOperationException>(() => Str("1").AsDouble());
        Assert.Throws<InvalidOperationException>(() => Str("1").AsBinary());
        Assert.Throws<InvalidOperationException>(() => Str("1").AsMap());
        var longText = Assert.Throws<InvalidOperationException>(() => Str(new string('x', 1000)).AsInt64()).Message;
        Assert.True(longText.Length < 200, longText);
        Assert.EndsWith("…", longText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3e9, true, 3000000000L, true, 3000000000UL)]
    [InlineData(-3e9, true, -3000000000L, false, 0UL)]
    [InlineData(0.0, true, 0L, true, 0UL)]
    [InlineData(1.5, false, 0L, false, 0UL)]
    [InlineData(9223372036854775808.0, false, 0L, true, 9223372036854775808UL)]
    [InlineData(-9223372036854775808.0, true, long.MinValue, false, 0UL)]
    [InlineData(18446744073709551616.0, false, 0L, false, 0UL)]
    [InlineData(double.NaN, false, 0L, false, 0UL)]
    [InlineData(double.PositiveInfinity, false, 0L, false, 0UL)]
    [InlineData(4503599627370495.5, false, 0L, false, 0UL)]
    public void Floats_SatisfyIntegerAccessors_WhenIntegralAndRepresentable(double d, bool int64Ok, long int64, bool uint64Ok, ulong uint64)
    {
        var v = MessagePackValue.From(d);
        Assert.Equal(int64Ok, v.TryGetInt64(out var l));
        Assert.Equal(int64, l);
        Assert.Equal(uint64Ok, v.TryGetUInt64(out var u));
        Assert.Equal(uint64, u);
    }

    [Fact]
    public void NegativeZero_IsTheInteger0()
    {
        Assert.True(MessagePackValue.From(-0.0).TryGetInt64(out var l) && l == 0);
        Assert.True(MessagePackValue.From(-0.0).TryGetUInt64(out var u) && u == 0);
    }

    [Fact]
    public void LogIndexSentAsFloat64_ReadsAsAnInteger()
    {
        var v = DecodeOk("cb41e65a0bc0000000");
        Assert.Equal(MessagePackKind.Float, v.Kind);
        Assert.Equal(3_000_000_000UL, v.AsUInt64());
        Assert.Equal(3_000_000_000L, v.AsInt64());
        Assert.Equal(MessagePackValue.From(3_000_000_000UL), v);
    }

    [Fact]
    public void Integers_OutOfRangeForTheAccessor()
    {
        Assert.False(MessagePackValue.From(ulong.MaxValue).TryGetInt64(out _));
        Assert.False(MessagePackValue.From((ulong)long.MaxValue + 1).TryGetInt64(out _));
        Assert.True(MessagePackValue.From((ulong)long.MaxValue).TryGetInt64(out var max) && max == long.MaxValue);
        Assert.False(Int(-1).TryGetUInt64(out _));
        Assert.True(MessagePackValue.From(ulong.MaxValue).TryGetDouble(out var d) && d == 18446744073709551615.0);
        Assert.True(Int(long.MinValue).TryGetDouble(out d) && d == -9223372036854775808.0);
    }

    [Fact]
    public void Equality_NumbersCompareByValueAcrossKinds()
    {
        Assert.Equal(Int(3), MessagePackValue.From(3.0));
        Assert.Equal(MessagePackValue.From(3UL), Int(3));
        Assert.Equal(Int(0), MessagePackValue.From(-0.0));
        Assert.Equal(MessagePackValue.From(0.0), MessagePackValue.From(-0.0));
        Assert.Equal(MessagePackValue.From(double.NaN), MessagePackValue.From(double.NaN));
        Assert.Equal(Int(long.MinValue), MessagePackValue.From(-9223372036854775808.0));
        Assert.Equal(MessagePackValue.From(1UL << 63), MessagePackValue.From(9223372036854775808.0));
        Assert.NotEqual(MessagePackValue.From(ulong.MaxValue), MessagePackValue.From(18446744073709551615.0)); // the double is 2^64
        Assert.NotEqual(Int(-1), MessagePackValue.From(ulong.MaxValue));
        Assert.NotEqual(Int(3), MessagePackValue.From(3.5));
        Assert.NotEqual(Int(1), MessagePackValue.True);
        Assert.NotEqual(Int(0), MessagePackValue.Nil);
        Assert.NotEqual(Str("1"), Int(1));

        Assert.Equal(Int(3).GetHashCode(), MessagePackValue.From(3.0).GetHashCode());
        Assert.Equal(Int(-7).GetHashCode(), MessagePackValue.From(-7.0).GetHashCode());
        Assert.Equal(Int(0).GetHashCode(), MessagePackValue.From(-0.0).GetHashCode());
        Assert.Equal(MessagePackValue.From(3e9).GetHashCode(), MessagePackValue.From(3_000_000_000L).GetHashCode());
        Assert.Equal(MessagePackValue.From(double.NaN).GetHashCode(), MessagePackValue.From(-double.NaN).GetHashCode());
    }

    [Fact]
    public void Equality_IsStructural()
    {
        var a = MessagePackValue.Map(Entry("peers", MessagePackValue.Array(Str("a"), MessagePackValue.FromBinary(new byte[] { 1, 2, 3 }))));
        var buffer = new byte[] { 9, 1, 2, 3, 9 };
        var b = MessagePackValue.Map(Entry("peers", MessagePackValue.Array(Str("a"), MessagePackValue.FromBinary(buffer.AsMemory(1, 3)))));
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a.Equals((object)b));
        Assert.False(a.Equals(null));
        Assert.False(a == null);
        Assert.True((MessagePackValue?)null == null);

        Assert.NotEqual(MessagePackValue.Array(Int(1), Int(2)), MessagePackValue.Array(Int(2), Int(1)));
        Assert.NotEqual(MessagePackValue.Array(Int(1)), MessagePackValue.Array(Int(1), Int(1)));
        Assert.NotEqual(MessagePackValue.Map(Entry("a", Int(1)), Entry("b", Int(2))), MessagePackValue.Map(Entry("b", Int(2)), Entry("a", Int(1))));
        Assert.NotEqual(MessagePackValue.Map(Entry("a", Int(1))), MessagePackValue.Map(Entry("a", Int(2))));
        Assert.NotEqual(Str("a"), Str("A"));
        Assert.NotEqual(MessagePackValue.FromBinary(new byte[] { 1 }), MessagePackValue.FromBinary(new byte[] { 2 }));
        Assert.NotEqual(MessagePackValue.FromBinary(new byte[] { 0x61 }), Str("a"));
        Assert.NotEqual(MessagePackValue.Array(), MessagePackValue.Map());
        Assert.Equal(MessagePackValue.Array(), MessagePackValue.Array(new List<MessagePackValue>()));
    }

    [Fact]
    public void Factories_CopyTheirInputs()
    {
        var items = new[] { Int(1), Int(2) };
        var array = MessagePackValue.Array(items);
        items[0] = Int(99);
        Assert.Equal(1, array.AsArray()[0].AsInt64());

        var entries = new[] { Entry("a", Int(1)) };
        var map = MessagePackValue.Map(entries);
        entries[0] = Entry("b", Int(2));
        Assert.Equal("a", map.AsMap()[0].Key.AsString());

        Assert.Equal(MessagePackValue.Array(Int(1), Int(2)), MessagePackValue.Array(new List<MessagePackValue> { Int(1), Int(2) }));
        Assert.Equal(map, MessagePackValue.Map(new Dictionary<MessagePackValue, MessagePackValue> { [Str("a")] = Int(1) }));
    }

    [Fact]
    public void Factories_ReturnedListsCannotBeMutated()
    {
        var list = MessagePackValue.Array(Int(1)).AsArray();
        Assert.IsNotType<MessagePackValue[]>(list);
        Assert.False(list is IList<MessagePackValue> { IsReadOnly: false });
        Assert.Equal([Int(1)], list.ToArray());
    }

    [Fact]
    public void Factories_RejectNulls()
    {
        Assert.Throws<ArgumentNullException>(() => MessagePackValue.From((string)null!));
        Assert.Throws<ArgumentException>(() => MessagePackValue.Array(Int(1), null!));
        Assert.Throws<ArgumentException>(() => MessagePackValue.Map(new KeyValuePair<MessagePackValue, MessagePackValue>(null!, Int(1))));
        Assert.Throws<ArgumentException>(() => MessagePackValue.Map(new KeyValuePair<MessagePackValue, MessagePackValue>(Int(1), null!)));
        Assert.Throws<ArgumentNullException>(() => MessagePackValue.Array((IEnumerable<MessagePackValue>)null!));
    }

    [Fact]
    public void Factories_LimitNestingDepth()
    {
        var value = MessagePackValue.Nil;
        for (var i = 0; i < MessagePackValue.MaxDepth; i++)
            value = i % 2 == 0 ? MessagePackValue.Array(value) : MessagePackValue.Map(Entry("k", value));
        Assert.Equal(MessagePackValue.MaxDepth, value.Depth);
        Assert.Throws<ArgumentException>(() => MessagePackValue.Array(value));
        Assert.Throws<ArgumentException>(() => MessagePackValue.Map(new KeyValuePair<MessagePackValue, MessagePackValue>(value, Int(1))));

        // The deepest value that can be built round-trips.
        Assert.Equal(value, DecodeOk(MessagePackCodec.Encode(value)));
    }

    [Fact]
    public void FromBinary_ReferencesArrays_AndCopiesOtherMemory()
    {
        var data = new byte[] { 1, 2, 3 };
        var value = MessagePackValue.FromBinary(data);
        Assert.True(value.AsBinary().Span == new ReadOnlySpan<byte>(data)); // same memory, no copy

        using var owner = new NativeLikeMemory(new byte[] { 4, 5 });
        var copied = MessagePackValue.FromBinary(owner.Memory);
        Assert.Equal([4, 5], copied.AsBinary().ToArray());
        Assert.Equal("c4020405", Hex(MessagePackCodec.Encode(copied)));
    }

    [Fact]
    public void TryGetProperty_LastMatchingStringKeyWins_LikeAJavaScriptObject()
    {
        var map = MessagePackValue.Map(
            Entry("a", Int(1)),
            new(Int(7), Int(2)),
            Entry("a", Int(3)),
            Entry("b", Int(4)));
        Assert.True(map.TryGetProperty("a", out var a));
        Assert.Equal(3, a.AsInt64());
        Assert.False(map.TryGetProperty("7", out _)); // integer keys are not strings
        Assert.False(map.TryGetProperty("A", out _));
        Assert.Equal(4, map.GetProperty("b").AsInt64());
    }

    [Fact]
    public void SmallValuesAreShared()
    {
        Assert.Same(Int(5), MessagePackValue.From(5UL));
        Assert.Same(DecodeOk("05"), DecodeOk("cc05"));
        Assert.Same(DecodeOk("90"), DecodeOk("dc0000"));
        Assert.Same(DecodeOk("a0"), Str(""));
    }

    [Fact]
    public void ToString_RendersJsonLikeText()
    {
        var value = MessagePackValue.Map(
            Entry("name", Str("TypeError")),
            Entry("n", MessagePackValue.Array(Int(-1), MessagePackValue.From(ulong.MaxValue), MessagePackValue.From(1.5), MessagePackValue.From(3e9))),
            Entry("flags", MessagePackValue.Array(MessagePackValue.True, MessagePackValue.False, MessagePackValue.Nil)),
            Entry("bin", MessagePackValue.FromBinary(new byte[] { 0x0a, 0xff })),
            Entry("text", Str("a\"b\\c\n\u0001😀\ud800")),
            new(Int(1), MessagePackValue.Map()));
        Assert.Equal(
            "{\"name\": \"TypeError\", \"n\": [-1, 18446744073709551615, 1.5, 3000000000], \"flags\": [true, false, null], " +
            "\"bin\": <bin 2: 0aff>, \"text\": \"a\\\"b\\\\c\\n\\u0001😀\\ud800\", 1: {}}",
            value.ToString());
        Assert.Equal("NaN", MessagePackValue.From(double.NaN).ToString());
        Assert.Equal("-Infinity", MessagePackValue.From(double.NegativeInfinity).ToString());
        Assert.Equal("<bin 0:>", MessagePackValue.FromBinary(Array.Empty<byte>()).ToString());
    }

    [Fact]
    public void ToString_WithLimit_Truncates()
    {
        var big = MessagePackValue.Array(Enumerable.Range(0, 10000).Select(i => Int(i)));
        var text = big.ToString(50);
        Assert.Equal(51, text.Length);
        Assert.StartsWith("[0, 1, 2, 3", text, StringComparison.Ordinal);
        Assert.EndsWith("…", text, StringComparison.Ordinal);
        Assert.Equal("<bin 1000: 0000", MessagePackValue.FromBinary(new byte[1000]).ToString(15)[..15]);
    }

    /// <summary>Memory that is not backed by a managed array.</summary>
    private sealed class NativeLikeMemory(byte[] data) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => data;

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override bool TryGetArray(out ArraySegment<byte> segment)
        {
            segment = default;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
