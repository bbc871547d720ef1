using System.Buffers.Binary;
using System.Text;

namespace RaftRunner.Node.StateMachines;

/// <summary>
/// Reads the few MessagePack forms a key-value snapshot uses (map header, string, string or binary kept encoded)
/// from a stream, a buffer at a time, so a snapshot larger than memory is never read whole. Malformed or truncated
/// input is an <see cref="InvalidDataException"/> naming the offset. A length the stream cannot hold (when its
/// length is known) is refused before anything is allocated; otherwise memory grows only as bytes arrive.
/// </summary>
internal sealed class MessagePackStreamReader
{
    private const int GrowthStep = 1 << 20;

    private readonly Stream _source;
    private readonly byte[] _buffer;
    private readonly long? _available;
    private int _position;
    private int _length;

    public MessagePackStreamReader(Stream source, int bufferSize = 1 << 16)
    {
        _source = source;
        _buffer = new byte[bufferSize];
        _available = source.CanSeek ? source.Length - source.Position : null;
    }

    /// <summary>Bytes consumed so far.</summary>
    public long Offset { get; private set; }

    public async ValueTask<bool> AtEndAsync(CancellationToken ct) => !await FillAsync(1, ct).ConfigureAwait(false);

    /// <summary>A fixmap, map16 or map32 header: the entry count.</summary>
    public async ValueTask<long> ReadMapHeaderAsync(CancellationToken ct)
    {
        var at = Offset;
        var marker = await ReadByteAsync(ct).ConfigureAwait(false);
        return marker switch
        {
            >= 0x80 and <= 0x8f => marker & 0x0f,
            0xde => await ReadUIntAsync(2, ct).ConfigureAwait(false),
            0xdf => await ReadUIntAsync(4, ct).ConfigureAwait(false),
            _ => throw Corrupt(at, $"expected a map, found the format byte 0x{marker:x2}"),
        };
    }

    /// <summary>A string (fixstr, str8/16/32), decoded from UTF-8.</summary>
    public async ValueTask<string> ReadStringAsync(CancellationToken ct)
    {
        var at = Offset;
        var marker = await ReadByteAsync(ct).ConfigureAwait(false);
        var (isString, length) = await ReadLengthAsync(marker, at, ct).ConfigureAwait(false);
        if (!isString)
            throw Corrupt(at, "expected a string, found a binary");
        var bytes = await ReadPayloadAsync(ReadOnlyMemory<byte>.Empty, length, at, ct).ConfigureAwait(false);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>A string or a binary, returned still encoded (its header and payload), as <see cref="KeyValueStateMachine"/> keeps values.</summary>
    public async ValueTask<byte[]> ReadEncodedStringOrBinaryAsync(CancellationToken ct)
    {
        var at = Offset;
        var marker = await ReadByteAsync(ct).ConfigureAwait(false);
        var (_, length) = await ReadLengthAsync(marker, at, ct).ConfigureAwait(false);
        var headerSize = (int)(Offset - at);
        var header = new byte[headerSize];
        header[0] = marker;
        WriteLength(header.AsSpan(1), length);
        return await ReadPayloadAsync(header, length, at, ct).ConfigureAwait(false);
    }

    private static void WriteLength(Span<byte> destination, long length)
    {
        switch (destination.Length)
        {
            case 0:
                break;
            case 1:
                destination[0] = (byte)length;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)length);
                break;
            default:
                BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)length);
                break;
        }
    }

    private async ValueTask<(bool IsString, long Length)> ReadLengthAsync(byte marker, long at, CancellationToken ct) => marker switch
    {
        >= 0xa0 and <= 0xbf => (true, marker & 0x1f),
        0xd9 => (true, await ReadUIntAsync(1, ct).ConfigureAwait(false)),
        0xda => (true, await ReadUIntAsync(2, ct).ConfigureAwait(false)),
        0xdb => (true, await ReadUIntAsync(4, ct).ConfigureAwait(false)),
        0xc4 => (false, await ReadUIntAsync(1, ct).ConfigureAwait(false)),
        0xc5 => (false, await ReadUIntAsync(2, ct).ConfigureAwait(false)),
        0xc6 => (false, await ReadUIntAsync(4, ct).ConfigureAwait(false)),
        _ => throw Corrupt(at, $"expected a string or a binary, found the format byte 0x{marker:x2}"),
    };

    private async ValueTask<byte[]> ReadPayloadAsync(ReadOnlyMemory<byte> header, long length, long at, CancellationToken ct)
    {
        var total = header.Length + length;
        if (total > Array.MaxLength)
            throw Corrupt(at, $"a value of {length} bytes is larger than this process can hold");
        if (_available is { } available && Offset + length > available)
            throw Corrupt(at, $"a value of {length} bytes runs past the end of the data ({available - Offset} bytes remain)");
        // With the stream's length unknown, a corrupt length must not allocate gigabytes up front: grow as bytes arrive.
        var result = new byte[_available is null ? Math.Min(total, GrowthStep) : total];
        header.CopyTo(result);
        var filled = header.Length;
        while (filled < total)
        {
            if (filled == result.Length)
                Array.Resize(ref result, (int)Math.Min(total, (long)result.Length * 2));
            if (_position == _length && !await FillAsync(1, ct).ConfigureAwait(false))
                throw Corrupt(Offset, $"the data ends inside a value of {length} bytes");
            var take = Math.Min(_length - _position, result.Length - filled);
            _buffer.AsSpan(_position, take).CopyTo(result.AsSpan(filled));
            _position += take;
            Offset += take;
            filled += take;
        }
        return result;
    }

    private async ValueTask<byte> ReadByteAsync(CancellationToken ct)
    {
        if (!await FillAsync(1, ct).ConfigureAwait(false))
            throw Corrupt(Offset, "the data ends where a value should start");
        Offset++;
        return _buffer[_position++];
    }

    private async ValueTask<long> ReadUIntAsync(int size, CancellationToken ct)
    {
        if (!await FillAsync(size, ct).ConfigureAwait(false))
            throw Corrupt(Offset, $"the data ends inside a {size}-byte length");
        var span = _buffer.AsSpan(_position, size);
        long value = size switch
        {
            1 => span[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(span),
            _ => BinaryPrimitives.ReadUInt32BigEndian(span),
        };
        _position += size;
        Offset += size;
        return value;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available in the buffer; false at the end of the stream.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken ct)
    {
        if (_length - _position >= count)
            return true;
        if (_position > 0)
        {
            _buffer.AsSpan(_position, _length - _position).CopyTo(_buffer);
            _length -= _position;
            _position = 0;
        }
        while (_length < count)
        {
            var read = await _source.ReadAsync(_buffer.AsMemory(_length), ct).ConfigureAwait(false);
            if (read == 0)
                return false;
            _length += read;
        }
        return true;
    }

    private static InvalidDataException Corrupt(long offset, string reason) => new($"not a key-value snapshot at offset {offset}: {reason}");
}
