namespace RaftRunner.Protocol.Tests.Frames;

/// <summary>PROTO.md's two log entry examples, byte for byte, and the entry checks.</summary>
public sealed class LogEntryTests
{
    [Fact]
    public void The_STATE_example_of_PROTO_md()
    {
        Assert.True(RequestId.TryParseHex("5956dc8826f27e10dcccab20", out var id));
        var entry = LogEntry.Create(id, LogEntryType.State, 42, "foo"u8);
        Assert.Equal("5956dc8826f27e10dcccab20" + "00" + "2a000000000000" + "666f6f", Convert.ToHexStringLower(entry.Raw.Span));
        Assert.Equal(id, entry.RequestId);
        Assert.Equal(LogEntryType.State, entry.Type);
        Assert.Equal(42UL, entry.Term);
        Assert.Equal("foo"u8.ToArray(), entry.Data.ToArray());
    }

    [Fact]
    public void The_CHECKPOINT_example_of_PROTO_md()
    {
        var entry = LogEntry.Checkpoint(43);
        Assert.Equal("000000000000000000000000" + "02" + "2b000000000000" + "c0", Convert.ToHexStringLower(entry.Raw.Span));
    }

    [Fact]
    public void Wrapping_received_bytes_does_not_copy_them()
    {
        var raw = LogEntry.Checkpoint(1).Raw.ToArray();
        Assert.True(LogEntry.TryWrap(raw, out var entry, out _));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(entry.Raw, out var segment));
        Assert.Same(raw, segment.Array);
    }

    [Fact]
    public void A_truncated_entry_is_an_error()
    {
        Assert.False(LogEntry.TryWrap(new byte[19], out _, out var error));
        Assert.Contains("shorter than its 20-byte header", error);
    }

    [Fact]
    public void An_unknown_entry_type_is_an_error()
    {
        var raw = LogEntry.Checkpoint(1).Raw.ToArray();
        raw[12] = 3;
        Assert.False(LogEntry.TryWrap(raw, out _, out var error));
        Assert.Contains("unknown log entry type 3", error);
    }

    [Fact]
    public void A_term_above_2_pow_53_is_an_error()
    {
        var raw = LogEntry.Checkpoint(1).Raw.ToArray();
        raw[19] = 0xff;
        Assert.False(LogEntry.TryWrap(raw, out _, out var error));
        Assert.Contains("2^53", error);
    }
}
