using RaftRunner.Protocol;

namespace RaftRunner.Node.Bridge;

// The messages between ZmqBridgeActor and the rest of the node. Payloads are the typed protocol records of
// RaftRunner.Protocol.Messages (RequestVoteRequest, AppendEntriesResponse, RequestUpdateRequest, …): the bridge
// alone deals in frames.

/// <summary>Where a client request came from, so its reply goes back: the ROUTER identity of the connection.</summary>
public sealed record ClientEnvelope(ReadOnlyMemory<byte> Identity);

/// <summary>
/// Bridge → node: a peer request (RequestVoteRequest, AppendEntriesRequest, InstallSnapshotRequest) that arrived
/// on the ROUTER. <see cref="PeerId"/> is the sender named in the body (candidate or leader id); the bridge
/// remembers the connection it came on, so a <see cref="SendToPeer"/> of the answer goes back over it.
/// </summary>
public sealed record PeerRequestReceived(string PeerId, object Request);

/// <summary>
/// Bridge → node: the answer (RequestVoteResponse, AppendEntriesResponse, InstallSnapshotResponse) to a request
/// this node sent to <see cref="PeerId"/> on its DEALER; decoded by the type of the request sent with that id.
/// </summary>
public sealed record PeerResponseReceived(string PeerId, object Response);

/// <summary>
/// Bridge → node: a client request that arrived on the ROUTER: RequestUpdateRequest, ConfigUpdateRequest (with
/// its raw peers value in <see cref="RawPeers"/>), RequestEntriesRequest, RequestConfigRequest,
/// RequestLogInfoRequest, UrlRequest ('*' broadcast state url, 'W' web monitor url), or ClientDispatchRequest
/// (any other type).
/// </summary>
public sealed record ClientRequestReceived(ClientEnvelope Envelope, object Request, Protocol.MessagePack.MessagePackValue? RawPeers = null);

/// <summary>
/// Node → bridge: a message for a peer. A request goes out on the DEALER connected to the peer's url; an answer
/// goes back over the ROUTER connection the peer's last request came on (dropped when there is none).
/// </summary>
public sealed record SendToPeer(string PeerId, object Message);

/// <summary>Node → bridge: the answer to a client request (a typed response record with <c>Encode()</c>).</summary>
public sealed record ReplyToClient(ClientEnvelope Envelope, object Response);

/// <summary>Node → bridge: frames for the PUB socket (the broadcast state machine's publications).</summary>
public sealed record Publish(ReadOnlyMemory<byte>[] Frames);

/// <summary>Node → bridge: the peers to keep DEALERs to (this node excluded); sent at start and on every membership change.</summary>
public sealed record SetPeers(IReadOnlyList<PeerInfo> Peers);
