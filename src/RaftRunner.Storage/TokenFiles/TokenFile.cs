using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace RaftRunner.Storage.TokenFiles;

/// <summary>
/// ACID.md "Token File": a file of segments, each an 8-byte header (a 4-character token, then the data
/// length LSB first), the data, and zero padding to a multiple of 4 bytes. Index files (RLOG, META, ITMZ)
/// and snapshot files (SNAP, META, DATA) are token files.
/// </summary>
public static class TokenFile
{
    public const int HeaderSize = 8;

    /// <summary>Rounds a length up to a multiple of 4 (zmq-raft's pad4).</summary>
    public static long Pad4(long length) => length + (-length & 3);

    /// <summary>A token as stored: its 4 ASCII characters in file order, read as a little-endian uint.</summary>
    public static uint Token(string token)
    {
        if (token is not { Length: 4 } || token.Any(c => c > 0x7f))
            throw new ArgumentException($"a token is 4 ASCII characters, not '{token}'", nameof(token));
        return (uint)(token[0] | token[1] << 8 | token[2] << 16 | token[3] << 24);
    }

    public static string TokenText(uint token) =>
        string.Create(4, token, static (span, t) =>
        {
            for (var i = 0; i < 4; i++)
            {
                var c = (char)((t >> (8 * i)) & 0xff);
                span[i] = c is >= ' ' and <= '~' ? c : '?';
            }
        });

    /// <summary>Writes a segment header into <paramref name="destination"/> (8 bytes).</summary>
    public static void WriteHeader(Span<byte> destination, uint token, uint dataLength)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, token);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], dataLength);
    }

    /// <summary>A whole segment (header, data, padding) as bytes.</summary>
    public static byte[] Segment(string token, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[HeaderSize + Pad4(data.Length)];
        WriteHeader(bytes, Token(token), (uint)data.Length);
        data.CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }

    /// <summary>
    /// Walks the segments from <paramref name="position"/> until one with <paramref name="token"/>; returns
    /// where its data starts and its length, or null when <paramref name="stop"/> (or the end of the file) is
    /// reached first. A header cut short by the end of the file is a <see cref="StorageException"/>.
    /// </summary>
    public static (long DataOffset, uint DataLength)? Find(SafeFileHandle file, string path, uint token, long position = 0, long stop = long.MaxValue)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        var length = RandomAccess.GetLength(file);
        while (position < stop && position < length)
        {
            if (position + HeaderSize > length || RandomAccess.Read(file, header, position) != HeaderSize)
                throw new StorageException(path, position, $"segment header cut short by the end of the file (looking for '{TokenText(token)}')");
            var found = BinaryPrimitives.ReadUInt32LittleEndian(header);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (found == token)
                return (position + HeaderSize, size);
            position += HeaderSize + Pad4(size);
        }
        return null;
    }
}
