using RaftRunner.Protocol;

namespace RaftRunner.Node.Bridge;

/// <summary>What became of one inbound message.</summary>
internal enum InboundKind
{
    /// <summary>A peer request: tell the node, and remember the connection it came on under <see cref="Inbound.PeerId"/>.</summary>
    PeerRequest,

    /// <summary>A client request or a peer's answer: tell the node.</summary>
    Deliver,

    /// <summary>Dropped on purpose, as zmq-raft drops it (wrong secret, empty type, unknown message id): a debug line.</summary>
    Ignored,

    /// <summary>Malformed: dropped, with a (rate-limited) log line naming the <see cref="ProtocolError"/>.</summary>
    Invalid,
}

/// <summary>
/// The outcome of decoding one inbound message: the bridge message for the node (<see cref="PeerRequestReceived"/>,
/// <see cref="ClientRequestReceived"/>, <see cref="PeerResponseReceived"/>), or why it was dropped.
/// </summary>
internal readonly record struct Inbound(InboundKind Kind, object? Message, string? PeerId, ProtocolError? Error, string? Reason)
{
    public static Inbound PeerRequest(string peerId, object request) => new(InboundKind.PeerRequest, new PeerRequestReceived(peerId, request), peerId, null, null);

    public static Inbound Deliver(object message) => new(InboundKind.Deliver, message, null, null, null);

    public static Inbound Ignored(string reason) => new(InboundKind.Ignored, null, null, null, reason);

    public static Inbound Invalid(ProtocolError error) => new(InboundKind.Invalid, null, null, error, null);
}
