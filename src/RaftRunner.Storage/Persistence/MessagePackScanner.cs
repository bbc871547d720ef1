using System.Buffers.Binary;

namespace RaftRunner.Storage.Persistence;

/// <summary>
/// Walks the structure of one MessagePack value without decoding it, to tell a record that is cut off by the
/// end of the input (a torn append) from one that is malformed.
/// </summary>
internal static class MessagePackScanner
{
    public enum Outcome
    {
        Complete,
        Truncated,
        Invalid,
    }

    /// <summary>Scans one value at the start of <paramref name="input"/>; <paramref name="length"/> is its size when complete.</summary>
    public static Outcome Scan(ReadOnlySpan<byte> input, out long length)
    {
        length = 0;
        long pending = 1;
        long p = 0;
        while (pending > 0)
        {
            if (p >= input.Length)
                return Outcome.Truncated;
            var b = input[(int)p++];
            pending--;
            long skip;
            switch (b)
            {
                case <= 0x7f or >= 0xe0 or 0xc0 or 0xc2 or 0xc3:
                    skip = 0;
                    break;
                case <= 0x8f:
                    pending += 2L * (b & 0x0f);
                    skip = 0;
                    break;
                case <= 0x9f:
                    pending += b & 0x0f;
                    skip = 0;
                    break;
                case <= 0xbf:
                    skip = b & 0x1f;
                    break;
                case 0xc1:
                    return Outcome.Invalid;
                case 0xc4 or 0xd9:
                    if (!Length(input, ref p, 1, out skip)) return Outcome.Truncated;
                    break;
                case 0xc5 or 0xda:
                    if (!Length(input, ref p, 2, out skip)) return Outcome.Truncated;
                    break;
                case 0xc6 or 0xdb:
                    if (!Length(input, ref p, 4, out skip)) return Outcome.Truncated;
                    break;
                case 0xc7:
                    if (!Length(input, ref p, 1, out skip)) return Outcome.Truncated;
                    skip++;
                    break;
                case 0xc8:
                    if (!Length(input, ref p, 2, out skip)) return Outcome.Truncated;
                    skip++;
                    break;
                case 0xc9:
                    if (!Length(input, ref p, 4, out skip)) return Outcome.Truncated;
                    skip++;
                    break;
                case 0xca or 0xce or 0xd2:
                    skip = 4;
                    break;
                case 0xcb or 0xcf or 0xd3:
                    skip = 8;
                    break;
                case 0xcc or 0xd0:
                    skip = 1;
                    break;
                case 0xcd or 0xd1:
                    skip = 2;
                    break;
                case 0xd4 or 0xd5 or 0xd6 or 0xd7 or 0xd8:
                    skip = 1 + (1 << (b - 0xd4));
                    break;
                case 0xdc:
                    if (!Length(input, ref p, 2, out var a16)) return Outcome.Truncated;
                    pending += a16;
                    skip = 0;
                    break;
                case 0xdd:
                    if (!Length(input, ref p, 4, out var a32)) return Outcome.Truncated;
                    pending += a32;
                    skip = 0;
                    break;
                case 0xde:
                    if (!Length(input, ref p, 2, out var m16)) return Outcome.Truncated;
                    pending += 2 * m16;
                    skip = 0;
                    break;
                default: // 0xdf
                    if (!Length(input, ref p, 4, out var m32)) return Outcome.Truncated;
                    pending += 2 * m32;
                    skip = 0;
                    break;
            }
            p += skip;
            if (p > input.Length)
                return Outcome.Truncated;
        }
        length = p;
        return Outcome.Complete;
    }

    private static bool Length(ReadOnlySpan<byte> input, ref long p, int size, out long value)
    {
        value = 0;
        if (p + size > input.Length)
            return false;
        var bytes = input.Slice((int)p, size);
        value = size switch
        {
            1 => bytes[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            _ => BinaryPrimitives.ReadUInt32BigEndian(bytes),
        };
        p += size;
        return true;
    }
}
