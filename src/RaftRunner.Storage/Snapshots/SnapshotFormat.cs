using System.Buffers.Binary;
using System.Globalization;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.TokenFiles;

namespace RaftRunner.Storage.Snapshots;

/// <summary>
/// The snapshot file layout (ACID.md "Snapshot File", lib/common/snapshotfile.js):
/// <code>
///  0 "SNAP"   4 u32 28 (the segment's data length; the whole SNAP segment is 36 bytes)
///  8 u32 1 (version)   12 u64 index   20 u64 term   28 u64 data size          (all LSB first)
/// 36 "META"   40 u32 n   44 msgpack {created: ISO date, hostname}   zero padding to 4
///    "DATA"      u32 0   the snapshot data (data size bytes) up to the end of the file
/// </code>
/// zmq-raft writes META as exactly <c>{created: new Date().toJSON(), hostname: os.hostname()}</c> (no
/// "software" key). Readers skip any other segments between SNAP and DATA.
/// </summary>
internal static class SnapshotFormat
{
    public const uint Version = 1;
    public const int HeaderSize = 36;
    public const uint HeaderDataLength = HeaderSize - TokenFile.HeaderSize;
    public const int VersionOffset = 8;
    public const int IndexOffset = 12;
    public const int TermOffset = 20;
    public const int DataSizeOffset = 28;

    /// <summary>JavaScript's Number.MAX_SAFE_INTEGER: zmq-raft refuses larger indexes, terms and sizes.</summary>
    public const ulong MaxSafeInteger = (1UL << 53) - 1;

    public static readonly uint Snap = TokenFile.Token("SNAP");
    public static readonly uint Meta = TokenFile.Token("META");
    public static readonly uint Data = TokenFile.Token("DATA");

    /// <summary>The bytes from the start of the file up to and including the DATA marker.</summary>
    public static byte[] BuildHeader(ulong index, ulong term, ulong dataSize, DateTimeOffset created, string hostname)
    {
        var meta = MessagePackCodec.Encode(MessagePackValue.Map(
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("created"), MessagePackValue.From(IsoDate(created))),
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("hostname"), MessagePackValue.From(hostname))));
        var metaSegment = TokenFile.Segment("META", meta);
        var bytes = new byte[HeaderSize + metaSegment.Length + TokenFile.HeaderSize];
        TokenFile.WriteHeader(bytes, Snap, HeaderDataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(VersionOffset), Version);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(IndexOffset), index);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(TermOffset), term);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(DataSizeOffset), dataSize);
        metaSegment.CopyTo(bytes, HeaderSize);
        TokenFile.WriteHeader(bytes.AsSpan(HeaderSize + metaSegment.Length), Data, 0);
        return bytes;
    }

    /// <summary>JavaScript's <c>Date#toJSON()</c>: <c>2018-09-26T14:59:36.817Z</c>.</summary>
    public static string IsoDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Node's <c>os.hostname()</c> (the full gethostname, not .NET's MachineName, which stops at the first dot).</summary>
    public static string HostName()
    {
        try
        {
            return System.Net.Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return Environment.MachineName;
        }
    }

    public static void CheckSafe(ulong value, string name)
    {
        if (value > MaxSafeInteger)
            throw new ArgumentOutOfRangeException(name, value, "zmq-raft stores it as a JavaScript number: at most 2^53-1");
    }
}
