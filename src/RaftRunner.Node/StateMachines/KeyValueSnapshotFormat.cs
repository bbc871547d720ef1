using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;

namespace RaftRunner.Node.StateMachines;

/// <summary>
/// The snapshot of <see cref="KeyValueStateMachine"/>: one MessagePack map of every pair, keys as strings in
/// ordinal order, each value exactly as it is stored (a string or a binary, in its canonical encoding), and
/// headers in their smallest form — so equal states give equal bytes on every node. Zero bytes is the empty
/// state (the empty snapshot of a new log). Written and read a buffer at a time.
/// </summary>
internal static class KeyValueSnapshotFormat
{
    private const int BufferSize = 1 << 16;
    private const int MaxHeaderSize = 5;

    public static async ValueTask WriteAsync(Stream destination, ImmutableSortedDictionary<string, byte[]> pairs, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var used = WriteMapHeader(buffer, pairs.Count);
            foreach (var (key, value) in pairs)
            {
                var keyLength = Encoding.UTF8.GetByteCount(key);
                if (used + MaxHeaderSize + keyLength > buffer.Length)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, used), ct).ConfigureAwait(false);
                    used = 0;
                }
                if (MaxHeaderSize + keyLength <= buffer.Length)
                {
                    used += WriteStringHeader(buffer.AsSpan(used), keyLength);
                    used += Encoding.UTF8.GetBytes(key, buffer.AsSpan(used));
                }
                else
                {
                    used += WriteStringHeader(buffer.AsSpan(used), keyLength);
                    await destination.WriteAsync(buffer.AsMemory(0, used), ct).ConfigureAwait(false);
                    used = 0;
                    await destination.WriteAsync(Encoding.UTF8.GetBytes(key), ct).ConfigureAwait(false);
                }
                if (used + value.Length > buffer.Length)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, used), ct).ConfigureAwait(false);
                    used = 0;
                }
                if (value.Length <= buffer.Length)
                {
                    value.CopyTo(buffer.AsSpan(used));
                    used += value.Length;
                }
                else
                {
                    await destination.WriteAsync(value, ct).ConfigureAwait(false);
                }
            }
            if (used > 0)
                await destination.WriteAsync(buffer.AsMemory(0, used), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a snapshot; a malformed one is an <see cref="InvalidDataException"/>.</summary>
    public static async ValueTask<ImmutableSortedDictionary<string, byte[]>> ReadAsync(Stream source, CancellationToken ct)
    {
        var reader = new MessagePackStreamReader(source);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        if (await reader.AtEndAsync(ct).ConfigureAwait(false))
            return builder.ToImmutable();
        var count = await reader.ReadMapHeaderAsync(ct).ConfigureAwait(false);
        for (long i = 0; i < count; i++)
        {
            var at = reader.Offset;
            var key = await reader.ReadStringAsync(ct).ConfigureAwait(false);
            var value = await reader.ReadEncodedStringOrBinaryAsync(ct).ConfigureAwait(false);
            if (builder.ContainsKey(key))
                throw new InvalidDataException($"not a key-value snapshot at offset {at}: the key \"{key}\" appears twice");
            builder.Add(key, value);
        }
        if (!await reader.AtEndAsync(ct).ConfigureAwait(false))
            throw new InvalidDataException($"not a key-value snapshot at offset {reader.Offset}: bytes follow the map of {count} pairs");
        return builder.ToImmutable();
    }

    private static int WriteMapHeader(Span<byte> destination, int count)
    {
        if (count < 16)
        {
            destination[0] = (byte)(0x80 | count);
            return 1;
        }
        if (count <= ushort.MaxValue)
        {
            destination[0] = 0xde;
            BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)count);
            return 3;
        }
        destination[0] = 0xdf;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)count);
        return 5;
    }

    private static int WriteStringHeader(Span<byte> destination, int length)
    {
        if (length < 32)
        {
            destination[0] = (byte)(0xa0 | length);
            return 1;
        }
        if (length <= byte.MaxValue)
        {
            destination[0] = 0xd9;
            destination[1] = (byte)length;
            return 2;
        }
        if (length <= ushort.MaxValue)
        {
            destination[0] = 0xda;
            BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)length);
            return 3;
        }
        destination[0] = 0xdb;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
        return 5;
    }
}
