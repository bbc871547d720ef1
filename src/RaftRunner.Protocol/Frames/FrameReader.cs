using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Protocol.Frames;

/// <summary>
/// Reads the frames of one message by PROTO.md's 1-based frame numbers, turning the first problem into a
/// <see cref="ProtocolError"/> that names the message and the frame. Every method returns false once an
/// error is recorded, so a decoder is a chain of <c>&amp;&amp;</c> that stops at the first failure.
/// </summary>
internal struct FrameReader(IReadOnlyList<ReadOnlyMemory<byte>> frames, string message)
{
    public ProtocolError? Error { get; private set; }

    public readonly int Count => frames.Count;

    public readonly bool Has(int number) => number <= frames.Count;

    public readonly ReadOnlyMemory<byte> this[int number] => frames[number - 1];

    /// <summary>Requires between <paramref name="min"/> and <paramref name="max"/> frames.</summary>
    public bool FrameCount(int min, int max = int.MaxValue)
    {
        if (frames.Count >= min && frames.Count <= max)
            return true;
        var expected = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
        return Fail(0, $"expected {expected} frames but got {frames.Count}");
    }

    /// <summary>Requires frame <paramref name="number"/> to be the one-byte message type <paramref name="type"/>.</summary>
    public bool Type(int number, byte type)
    {
        var span = this[number].Span;
        return span.Length == 1 && span[0] == type || Fail(number, $"expected message type '{(char)type}' but got {Describe(span)}");
    }

    public bool UInt(int number, out ulong value)
    {
        value = 0;
        return FrameCodec.TryReadUInt(this[number].Span, out value, out var error) || Fail(number, error!);
    }

    /// <summary>A client request id: a <c>uint32</c> (1 to 4 bytes).</summary>
    public bool UInt32(int number, out uint value)
    {
        value = 0;
        return FrameCodec.TryReadUInt32(this[number].Span, out value, out var error) || Fail(number, error!);
    }

    /// <summary>A trailing optional <c>uint</c>: absent is null, present must be valid.</summary>
    public bool OptionalUInt(int number, out ulong? value)
    {
        value = null;
        if (!Has(number))
            return true;
        if (!UInt(number, out var v))
            return false;
        value = v;
        return true;
    }

    public bool NUInt(int number, out ulong? value)
    {
        value = null;
        return FrameCodec.TryReadNUInt(this[number].Span, out value, out var error) || Fail(number, error!);
    }

    /// <summary>A peer RPC message id: a <c>uint</c> of 1 to 3 bytes, as zmq-raft's RpcSocket requires.</summary>
    public bool MessageId(int number, out uint value)
    {
        value = 0;
        var span = this[number].Span;
        if (span.Length is < 1 or > 3)
            return Fail(number, $"message id must be 1 to 3 bytes, got {span.Length}");
        value = (uint)(span[0] | (span.Length > 1 ? span[1] << 8 : 0) | (span.Length > 2 ? span[2] << 16 : 0));
        return true;
    }

    public bool String(int number, out string value) =>
        FrameCodec.TryReadString(this[number].Span, out value, out var error) || Fail(number, error!);

    public bool RequestId(int number, out RequestId value)
    {
        var span = this[number].Span;
        return Protocol.RequestId.TryFromBytes(span, out value) || Fail(number, $"request id must be {Protocol.RequestId.Length} bytes, got {span.Length}");
    }

    public bool Json(int number, out MessagePackValue value)
    {
        if (MessagePackCodec.TryDecode(this[number].Span, out value, out _, out var error))
            return true;
        value = MessagePackValue.Nil;
        return Fail(number, $"invalid MessagePack: {error}");
    }

    /// <summary>Frames <paramref name="first"/>.. as log entries, wrapped without copying.</summary>
    public bool Entries(int first, out LogEntry[] entries)
    {
        var count = Math.Max(0, frames.Count - first + 1);
        entries = count == 0 ? [] : new LogEntry[count];
        for (var i = 0; i < count; i++)
        {
            if (!LogEntry.TryWrap(frames[first - 1 + i], out entries[i], out var error))
                return Fail(first + i, error!);
        }
        return true;
    }

    public bool Fail(int number, string reason)
    {
        Error ??= new ProtocolError(message, number, reason);
        return false;
    }

    private static string Describe(ReadOnlySpan<byte> span) =>
        span.IsEmpty ? "an empty frame" : span.Length == 1 ? $"'{(char)span[0]}' (0x{span[0]:x2})" : $"{span.Length} bytes";
}
