namespace RaftRunner.Protocol;

/// <summary>
/// The first three frames every request shares (after the ROUTER's identity frame): request id, message
/// type and cluster ident (secret). A server reads this first to check the secret and pick a decoder.
/// </summary>
public readonly record struct MessageHeader(ReadOnlyMemory<byte> RequestId, ReadOnlyMemory<byte> Type, ReadOnlyMemory<byte> Secret)
{
    /// <summary>The one-byte type, or null for a longer (application) type.</summary>
    public byte? SingleByteType => Type.Length == 1 ? Type.Span[0] : null;

    public bool SecretMatches(ReadOnlySpan<byte> secret) => Secret.Span.SequenceEqual(secret);

    public static bool TryRead(IReadOnlyList<ReadOnlyMemory<byte>> frames, out MessageHeader header, out ProtocolError? error)
    {
        header = default;
        if (frames.Count < 3)
        {
            error = new ProtocolError("request", 0, $"a request needs at least 3 frames (id, type, secret) but got {frames.Count}");
            return false;
        }
        if (frames[1].IsEmpty)
        {
            error = new ProtocolError("request", 2, "empty message type");
            return false;
        }
        header = new MessageHeader(frames[0], frames[1], frames[2]);
        error = null;
        return true;
    }
}
