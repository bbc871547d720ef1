using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Node.Bridge;

/// <summary>
/// Frames → bridge messages, as zmq-raft's router (raft_router.js dispatchHandler) and RPC socket
/// (zmq_rpc_socket.js) read them. Pure: no sockets, no logging, so every drop rule is testable on its own.
/// The decoded records are views over the frames they were given, which must therefore outlive them.
/// </summary>
internal static class InboundDecoder
{
    /// <summary>
    /// The cheap checks on a ROUTER message <c>[identity, id, type, secret, …]</c>, made on the receive buffer
    /// before anything is copied; null when the message should be decoded.
    /// </summary>
    public static Inbound? Screen(IReadOnlyList<ReadOnlyMemory<byte>> message, ReadOnlySpan<byte> secret) => Screen(message, 1, secret);

    /// <summary>
    /// Decodes a ROUTER message's <paramref name="body"/> (the frames after the identity) from the connection
    /// <paramref name="identity"/>: a peer request, a client request, or why it is dropped.
    /// </summary>
    public static Inbound DecodeRequest(ReadOnlyMemory<byte> identity, IReadOnlyList<ReadOnlyMemory<byte>> body, ReadOnlySpan<byte> secret)
    {
        if (Screen(body, 0, secret) is { } dropped)
            return dropped;
        var type = body[1].Span;
        if (type.Length != 1)
            return DecodeDispatch(identity, body);
        ProtocolError? error;
        switch (type[0])
        {
            // Peers: the sender is named in the body; its answer goes back over the same connection.
            case MessageTypes.RequestVote:
                return RequestVoteRequest.TryDecode(body, out var vote, out error) ? Inbound.PeerRequest(vote.CandidateId, vote) : Inbound.Invalid(error!);
            case MessageTypes.AppendEntries:
                return AppendEntriesRequest.TryDecode(body, out var append, out error) ? Inbound.PeerRequest(append.LeaderId, append) : Inbound.Invalid(error!);
            case MessageTypes.InstallSnapshot:
                return InstallSnapshotRequest.TryDecode(body, out var install, out error) ? Inbound.PeerRequest(install.LeaderId, install) : Inbound.Invalid(error!);

            // Clients.
            case MessageTypes.RequestUpdate:
                return RequestUpdateRequest.TryDecode(body, out var update, out error) ? Client(identity, update) : Inbound.Invalid(error!);
            case MessageTypes.ConfigUpdate:
                // An unreadable peer list is the leader's to answer (status 2), so the raw value travels along.
                return ConfigUpdateRequest.TryDecode(body, out var config, out var rawPeers, out error)
                    ? Inbound.Deliver(new ClientRequestReceived(new ClientEnvelope(identity), config, rawPeers))
                    : Inbound.Invalid(error!);
            case MessageTypes.RequestEntries:
                return RequestEntriesRequest.TryDecode(body, out var entries, out error) ? Client(identity, entries) : Inbound.Invalid(error!);
            case MessageTypes.RequestConfig:
                return RequestConfigRequest.TryDecode(body, out var requestConfig, out error) ? Client(identity, requestConfig) : Inbound.Invalid(error!);
            case MessageTypes.RequestLogInfo:
                return RequestLogInfoRequest.TryDecode(body, out var logInfo, out error) ? Client(identity, logInfo) : Inbound.Invalid(error!);
            case MessageTypes.RequestBroadcastStateUrl:
            case MessageTypes.RequestWebMonitorUrl:
                return UrlRequest.TryDecode(body, type[0], out var url, out error) ? Client(identity, url) : Inbound.Invalid(error!);

            // zmq-raft hands every other type to its state machine; so does this node.
            default:
                return DecodeDispatch(identity, body);
        }
    }

    /// <summary>
    /// Decodes a peer's answer <c>[id, …]</c> on the DEALER, as the response to the request of
    /// <paramref name="requestType"/> that this node sent with that id.
    /// </summary>
    public static Inbound DecodeAnswer(string peerId, byte requestType, IReadOnlyList<ReadOnlyMemory<byte>> frames)
    {
        ProtocolError? error;
        return requestType switch
        {
            MessageTypes.RequestVote => RequestVoteResponse.TryDecode(frames, out var vote, out error) ? Answer(peerId, vote) : Inbound.Invalid(error!),
            MessageTypes.AppendEntries => AppendEntriesResponse.TryDecode(frames, out var append, out error) ? Answer(peerId, append) : Inbound.Invalid(error!),
            MessageTypes.InstallSnapshot => InstallSnapshotResponse.TryDecode(frames, out var install, out error) ? Answer(peerId, install) : Inbound.Invalid(error!),
            _ => Inbound.Ignored($"no answer is expected to a request of type 0x{requestType:x2}"),
        };
    }

    /// <summary>A peer message id: 1 to 3 bytes, least significant first (zmq-raft's RpcSocket rejects anything else).</summary>
    public static bool TryReadMessageId(ReadOnlySpan<byte> frame, out uint messageId)
    {
        messageId = 0;
        if (frame.Length is < 1 or > 3)
            return false;
        for (var i = frame.Length - 1; i >= 0; i--)
            messageId = messageId << 8 | frame[i];
        return true;
    }

    // The frames from `first` on are [id, type, secret, …]. zmq-raft checks the secret first and says nothing to
    // a sender that gets it wrong; then it drops an empty type.
    private static Inbound? Screen(IReadOnlyList<ReadOnlyMemory<byte>> frames, int first, ReadOnlySpan<byte> secret)
    {
        var count = frames.Count - first;
        if (count < 3)
            return Inbound.Invalid(new ProtocolError("request", 0, $"a request needs at least 3 frames (id, type, secret) but got {Math.Max(count, 0)}"));
        if (!frames[first + 2].Span.SequenceEqual(secret))
            return Inbound.Ignored("the secret frame does not match this cluster's");
        if (frames[first + 1].IsEmpty)
            return Inbound.Ignored("empty message type");
        return null;
    }

    private static Inbound DecodeDispatch(ReadOnlyMemory<byte> identity, IReadOnlyList<ReadOnlyMemory<byte>> body) =>
        ClientDispatchRequest.TryDecode(body, out var request, out var error) ? Client(identity, request) : Inbound.Invalid(error!);

    private static Inbound Client(ReadOnlyMemory<byte> identity, object request) =>
        Inbound.Deliver(new ClientRequestReceived(new ClientEnvelope(identity), request));

    private static Inbound Answer(string peerId, object response) => Inbound.Deliver(new PeerResponseReceived(peerId, response));
}
