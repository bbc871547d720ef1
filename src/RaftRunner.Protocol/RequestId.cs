using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RaftRunner.Protocol;

/// <summary>
/// zmq-raft's 12-byte request id (PROTO.md "reqid"): 4 bytes of seconds since the Unix epoch (big-endian),
/// 3 bytes of machine id, 2 bytes of process id, 3 bytes of a counter that starts at a random value. The
/// timestamp is what makes RequestUpdate idempotent for a limited time (request-id-ttl).
/// </summary>
public readonly struct RequestId : IEquatable<RequestId>
{
    public const int Length = 12;

    private static readonly byte[] MachineAndProcess = CreateMachineAndProcess();
    private static int _counter = RandomNumberGenerator.GetInt32(0, 1 << 24);

    private readonly ulong _high; // bytes 0..7, big-endian
    private readonly uint _low;   // bytes 8..11, big-endian

    private RequestId(ulong high, uint low)
    {
        _high = high;
        _low = low;
    }

    public static RequestId Zero => default;

    /// <summary>Seconds since the Unix epoch when the id was made.</summary>
    public uint Seconds => (uint)(_high >> 32);

    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeSeconds(Seconds);

    /// <summary>A fresh id for now, unique within this process and very likely across machines.</summary>
    public static RequestId New() => New(DateTimeOffset.UtcNow);

    public static RequestId New(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)now.ToUnixTimeSeconds());
        MachineAndProcess.CopyTo(bytes[4..]);
        var counter = Interlocked.Increment(ref _counter) & 0xFFFFFF;
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return FromBytes(bytes);
    }

    /// <summary>Reads exactly 12 bytes; false for any other length.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out RequestId id)
    {
        if (bytes.Length != Length)
        {
            id = default;
            return false;
        }
        id = FromBytes(bytes);
        return true;
    }

    public static RequestId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"a request id is {Length} bytes, not {bytes.Length}", nameof(bytes));
        return new RequestId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]));
    }

    /// <summary>Parses the 24-character lowercase or uppercase hex form.</summary>
    public static bool TryParseHex(string hex, out RequestId id)
    {
        id = default;
        if (hex is not { Length: Length * 2 })
            return false;
        try
        {
            id = FromBytes(Convert.FromHexString(hex));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], _low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>True when the id is older than <paramref name="ttl"/> at <paramref name="now"/> (zmq-raft's hasRequestExpired).</summary>
    public bool HasExpired(DateTimeOffset now, TimeSpan ttl) => Seconds * 1000L < now.ToUnixTimeMilliseconds() - (long)ttl.TotalMilliseconds;

    /// <summary>The lowercase hex form, as zmq-raft prints ids.</summary>
    public string ToHex() => Convert.ToHexStringLower(ToArray());

    public override string ToString() => ToHex();

    public bool Equals(RequestId other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is RequestId other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public static bool operator ==(RequestId left, RequestId right) => left.Equals(right);

    public static bool operator !=(RequestId left, RequestId right) => !left.Equals(right);

    /// <summary>3 bytes of a hash of the host name, then 2 bytes of the process id, as zmq-raft's id.js does (MD5 of the host name).</summary>
    private static byte[] CreateMachineAndProcess()
    {
        var bytes = new byte[5];
        var hash = MD5.HashData(System.Text.Encoding.UTF8.GetBytes(Environment.MachineName));
        hash.AsSpan(0, 3).CopyTo(bytes);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(3), (ushort)Environment.ProcessId);
        return bytes;
    }
}
