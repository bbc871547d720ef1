using System.Buffers.Binary;
using RaftRunner.Protocol;

namespace RaftRunner.Storage.Log;

/// <summary>
/// The 20-byte header of a stored entry (request id, type, term) without its data: what the request-id cache
/// rebuild and term lookups need, read without loading whole entries.
/// </summary>
public readonly record struct EntryHeader(RequestId RequestId, LogEntryType Type, ulong Term)
{
    public static EntryHeader Parse(ReadOnlySpan<byte> header)
    {
        Span<byte> term = stackalloc byte[8];
        term.Clear();
        header.Slice(13, 7).CopyTo(term);
        return new EntryHeader(RequestId.FromBytes(header[..RequestId.Length]), (LogEntryType)header[12], BinaryPrimitives.ReadUInt64LittleEndian(term));
    }
}
