using System.Buffers.Binary;

namespace RaftRunner.Storage.CrashWorker;

/// <summary>Snapshot data that describes itself (index, generation, checksum), so a torn or mixed-up snapshot is detectable.</summary>
public static class CrashSnapshot
{
    public static byte[] Data(long index, long generation)
    {
        var length = 16 + (int)(index * 37 % 5000);
        var data = new byte[length];
        BinaryPrimitives.WriteInt64LittleEndian(data, index);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), generation);
        for (var i = 16; i < length; i++)
            data[i] = (byte)(index * 31 + generation * 17 + i);
        return data;
    }

    /// <summary>True when <paramref name="data"/> is exactly what <see cref="Data"/> wrote for the index it names.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> data, long expectedIndex)
    {
        if (data.Length < 16)
            return false;
        var index = BinaryPrimitives.ReadInt64LittleEndian(data);
        var generation = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
        return index == expectedIndex && data.SequenceEqual(Data(index, generation));
    }
}
