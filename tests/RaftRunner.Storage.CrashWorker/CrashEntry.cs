using System.Buffers.Binary;
using RaftRunner.Protocol;

namespace RaftRunner.Storage.CrashWorker;

/// <summary>
/// A self-describing log entry: its data carries the index it was written at, the generation (which
/// operation wrote it) and a checksum over everything, so a reader can tell a correct entry from a torn,
/// misplaced or stale one without any other record.
/// </summary>
public static class CrashEntry
{
    private const int Fixed = 24; // index, generation, checksum

    public static LogEntry Create(long index, long generation)
    {
        var bodyLength = (int)(Mix((ulong)index, (ulong)generation) % 200);
        var data = new byte[Fixed + bodyLength];
        BinaryPrimitives.WriteInt64LittleEndian(data, index);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), generation);
        for (var i = 0; i < bodyLength; i++)
            data[Fixed + i] = (byte)Mix((ulong)index, (ulong)(generation + i));
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16), Checksum(data));
        var type = index % 7 == 0 ? LogEntryType.Checkpoint : LogEntryType.State;
        return LogEntry.Create(RequestId.New(), type, (ulong)(generation % 1000 + 1), data);
    }

    /// <summary>Reads (index, generation) back; false when the entry is not one this worker wrote intact.</summary>
    public static bool TryRead(LogEntry entry, out long index, out long generation)
    {
        var data = entry.Data.Span;
        index = generation = -1;
        if (data.Length < Fixed)
            return false;
        index = BinaryPrimitives.ReadInt64LittleEndian(data);
        generation = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
        return BinaryPrimitives.ReadUInt64LittleEndian(data[16..]) == Checksum(data)
            && data.Length == Fixed + (int)(Mix((ulong)index, (ulong)generation) % 200);
    }

    private static ulong Checksum(ReadOnlySpan<byte> data)
    {
        var hash = 14695981039346656037UL; // FNV-1a over everything but the checksum field
        for (var i = 0; i < data.Length; i++)
        {
            if (i is >= 16 and < 24)
                continue;
            hash = (hash ^ data[i]) * 1099511628211UL;
        }
        return hash;
    }

    private static ulong Mix(ulong a, ulong b)
    {
        var x = a * 0x9E3779B97F4A7C15UL ^ b * 0xC2B2AE3D27D4EB4FUL;
        x ^= x >> 31;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 29);
    }
}
