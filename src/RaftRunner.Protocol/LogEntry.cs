using System.Buffers.Binary;

namespace RaftRunner.Protocol;

/// <summary>
/// A Raft log entry exactly as zmq-raft frames and stores it: 12-byte request id, 1-byte type, 7-byte term
/// (LSB first), then the data. The struct is a view over those bytes — decoding an AppendEntries message
/// or reading a log file wraps the received memory without copying it, and encoding hands the same bytes on.
/// </summary>
public readonly struct LogEntry : IEquatable<LogEntry>
{
    public const int HeaderSize = 20;
    private const int TypeOffset = 12;
    private const int TermOffset = 13;
    private const int TermSize = 7;

    /// <summary>The largest term 7 bytes can hold; zmq-raft's limit (2^53 − 1) is lower and is the one enforced.</summary>
    public const ulong MaxTerm = Frames.FrameCodec.MaxSafeInteger;

    /// <summary>CHECKPOINT data: MessagePack nil.</summary>
    public static ReadOnlyMemory<byte> CheckpointData { get; } = new byte[] { 0xC0 };

    private LogEntry(ReadOnlyMemory<byte> raw) => Raw = raw;

    /// <summary>The whole entry as it travels and is stored.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    public RequestId RequestId => RequestId.FromBytes(Raw.Span[..RequestId.Length]);

    public LogEntryType Type => (LogEntryType)Raw.Span[TypeOffset];

    public ulong Term
    {
        get
        {
            Span<byte> padded = stackalloc byte[8];
            padded.Clear();
            Raw.Span.Slice(TermOffset, TermSize).CopyTo(padded);
            return BinaryPrimitives.ReadUInt64LittleEndian(padded);
        }
    }

    /// <summary>The entry's data, after the 20-byte header.</summary>
    public ReadOnlyMemory<byte> Data => Raw[HeaderSize..];

    public int Size => Raw.Length;

    /// <summary>Builds an entry (one allocation: header and data together).</summary>
    public static LogEntry Create(RequestId requestId, LogEntryType type, ulong term, ReadOnlySpan<byte> data)
    {
        if (!Enum.IsDefined(type))
            throw new ArgumentOutOfRangeException(nameof(type), type, "unknown log entry type");
        if (term > MaxTerm)
            throw new ArgumentOutOfRangeException(nameof(term), term, "a term must not exceed 2^53 - 1");
        var raw = new byte[HeaderSize + data.Length];
        requestId.WriteTo(raw);
        raw[TypeOffset] = (byte)type;
        Frames.FrameCodec.WriteUInt(term, raw.AsSpan(TermOffset, TermSize));
        data.CopyTo(raw.AsSpan(HeaderSize));
        return new LogEntry(raw);
    }

    public static LogEntry Checkpoint(ulong term) => Create(RequestId.Zero, LogEntryType.Checkpoint, term, CheckpointData.Span);

    /// <summary>Wraps received bytes without copying; false (with the reason) when they are not a valid entry.</summary>
    public static bool TryWrap(ReadOnlyMemory<byte> raw, out LogEntry entry, out string? error)
    {
        entry = default;
        if (raw.Length < HeaderSize)
        {
            error = $"log entry of {raw.Length} bytes is shorter than its {HeaderSize}-byte header";
            return false;
        }
        var type = raw.Span[TypeOffset];
        if (type > (byte)LogEntryType.Checkpoint)
        {
            error = $"unknown log entry type {type}";
            return false;
        }
        var candidate = new LogEntry(raw);
        if (candidate.Term > MaxTerm)
        {
            error = $"log entry term {candidate.Term} is above 2^53 - 1";
            return false;
        }
        entry = candidate;
        error = null;
        return true;
    }

    public bool Equals(LogEntry other) => Raw.Span.SequenceEqual(other.Raw.Span);

    public override bool Equals(object? obj) => obj is LogEntry other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Raw.Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(LogEntry left, LogEntry right) => left.Equals(right);

    public static bool operator !=(LogEntry left, LogEntry right) => !left.Equals(right);

    public override string ToString() => Raw.IsEmpty ? "LogEntry(empty)" : $"LogEntry({Type}, term {Term}, {RequestId}, {Data.Length} bytes)";
}
