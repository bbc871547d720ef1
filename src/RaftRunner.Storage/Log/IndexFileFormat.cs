using System.Buffers.Binary;
using RaftRunner.Storage.TokenFiles;

namespace RaftRunner.Storage.Log;

/// <summary>
/// ACID.md "Index File": the constants and the fixed RLOG header of one log segment file, exactly as
/// zmq-raft 0.5.0 (lib/common/indexfile.js) writes them. Layout, all little-endian:
/// <code>
///  0 "RLOG" | 4 header size = 16 + capacity*4 | 8 version 1 | 12 capacity | 16 first index (8 bytes)
/// 24 offsets table: capacity x 4-byte end offsets of the entries, relative to the start of entry data, 0 = not stored
///    "META" segment (msgpacked {created, hostname}), then the empty "ITMZ" marker, then the entry data.
/// </code>
/// </summary>
public static class IndexFileFormat
{
    public const int Version = 1;

    /// <summary>zmq-raft's DEFAULT_CAPACITY (0x4000).</summary>
    public const int DefaultCapacity = 0x4000;

    public const int MinCapacity = 1;

    /// <summary>zmq-raft's MAX_CAPACITY (0x00ffffff).</summary>
    public const int MaxCapacity = 0x00ffffff;

    /// <summary>zmq-raft's MAX_DATASIZE: min(buffer.kMaxLength, 0x3fffffff); entry data of a file never goes past it.</summary>
    public const long MaxDataSize = 0x3fffffff;

    /// <summary>The largest log index zmq-raft can name (Number.MAX_SAFE_INTEGER, 2^53 − 1).</summary>
    public const long MaxIndex = (1L << 53) - 1;

    /// <summary>Bytes before the offsets table: the RLOG token header (8) and version, capacity, first index (16).</summary>
    public const int OffsetsTablePosition = 24;

    public static readonly uint Rlog = TokenFile.Token("RLOG");
    public static readonly uint Meta = TokenFile.Token("META");
    public static readonly uint Itmz = TokenFile.Token("ITMZ");

    /// <summary>
    /// The capacity a file starting at <paramref name="firstIndex"/> gets when <paramref name="capacity"/> is asked
    /// for: zmq-raft shortens it so that firstIndex + capacity is a multiple of the requested capacity, which aligns
    /// every later file on a capacity boundary (index 1 with 16384 gives 16383 slots; the next file starts at 16384).
    /// </summary>
    public static int EffectiveCapacity(long firstIndex, int capacity)
    {
        ValidateCapacity(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        return capacity - (int)(firstIndex % capacity);
    }

    public static void ValidateCapacity(int capacity)
    {
        if (capacity is < MinCapacity or > MaxCapacity)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"an index file capacity is between {MinCapacity} and {MaxCapacity}");
    }

    /// <summary>The RLOG segment's data length as stored at offset 4.</summary>
    public static long HeaderDataSize(long capacity) => 16 + capacity * 4;

    /// <summary>Where the offset of entry slot <paramref name="slot"/> is stored.</summary>
    public static long OffsetPosition(int slot) => OffsetsTablePosition + 4L * slot;

    /// <summary>The first 24 bytes of an index file.</summary>
    public static void WriteHeader(Span<byte> destination, int capacity, long firstIndex)
    {
        TokenFile.WriteHeader(destination, Rlog, (uint)HeaderDataSize(capacity));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], (uint)capacity);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], firstIndex);
    }
}
