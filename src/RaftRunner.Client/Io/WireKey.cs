using System.Buffers.Binary;

namespace RaftRunner.Client.Io;

/// <summary>
/// What matches an answer to its request: the first frame, read as PROTO.md reads it — a 12-byte reqid, or a uint32
/// of 1 to 4 bytes (least significant first, so an answer that encodes the number differently still matches).
/// </summary>
internal readonly record struct WireKey(ulong High, uint Low, bool IsRequestId)
{
    public static WireKey Of(uint requestId) => new(0, requestId, false);

    public static WireKey Of(RaftRunner.Protocol.RequestId requestId)
    {
        Span<byte> bytes = stackalloc byte[RaftRunner.Protocol.RequestId.Length];
        requestId.WriteTo(bytes);
        TryRead(bytes, out var key);
        return key;
    }

    public static bool TryRead(ReadOnlySpan<byte> frame, out WireKey key)
    {
        switch (frame.Length)
        {
            case 12:
                key = new WireKey(BinaryPrimitives.ReadUInt64BigEndian(frame), BinaryPrimitives.ReadUInt32BigEndian(frame[8..]), true);
                return true;
            case > 0 and <= 4:
                Span<byte> padded = stackalloc byte[4];
                padded.Clear();
                frame.CopyTo(padded);
                key = new WireKey(0, BinaryPrimitives.ReadUInt32LittleEndian(padded), false);
                return true;
            default:
                key = default;
                return false;
        }
    }

    public override string ToString() => IsRequestId ? $"{High:x16}{Low:x8}" : Low.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
