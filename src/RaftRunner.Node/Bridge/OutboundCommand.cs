using RaftRunner.Protocol;

namespace RaftRunner.Node.Bridge;

// What the actor hands the I/O thread: frames already encoded (so encoding costs the actor's turn, not the
// socket thread's) and the little the I/O thread must still decide, because only it knows the sockets, the
// pending message ids and the peers' ROUTER identities.

internal abstract record OutboundCommand;

/// <summary>A request for a peer's DEALER; its id and type are remembered to decode the answer.</summary>
internal sealed record PeerRequestOut(string PeerId, uint MessageId, byte RequestType, ReadOnlyMemory<byte>[] Frames) : OutboundCommand;

/// <summary>The answer to a peer's request, back over the ROUTER connection that request came on.</summary>
internal sealed record PeerAnswerOut(string PeerId, ReadOnlyMemory<byte>[] Frames) : OutboundCommand;

/// <summary>A reply to a client on the ROUTER; the first frame is the client's identity.</summary>
internal sealed record ClientReplyOut(ReadOnlyMemory<byte>[] Frames) : OutboundCommand;

/// <summary>A publication for the PUB socket.</summary>
internal sealed record PublishOut(ReadOnlyMemory<byte>[] Frames) : OutboundCommand;

/// <summary>The peers to keep DEALERs to.</summary>
internal sealed record PeersOut(IReadOnlyList<PeerInfo> Peers) : OutboundCommand;
