namespace RaftRunner.Protocol;

/// <summary>
/// Why a message could not be decoded: which message, which frame (1-based, as PROTO.md numbers them;
/// 0 for the message as a whole) and what is wrong with it. Decoders return this instead of throwing,
/// because what arrives on the network must never crash a node.
/// </summary>
public sealed record ProtocolError(string Message, int Frame, string Reason)
{
    public override string ToString() => Frame > 0 ? $"{Message} frame {Frame}: {Reason}" : $"{Message}: {Reason}";
}
