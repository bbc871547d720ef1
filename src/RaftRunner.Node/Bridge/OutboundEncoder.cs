using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Node.Bridge;

/// <summary>
/// The node's messages (<see cref="SendToPeer"/>, <see cref="ReplyToClient"/>, <see cref="Publish"/>,
/// <see cref="SetPeers"/>) → commands for the I/O thread, with their frames encoded as zmq-raft expects them.
/// Pure, and never throws: what cannot be sent comes back as a reason to log.
/// </summary>
internal static class OutboundEncoder
{
    public static OutboundCommand? Encode(object message, ReadOnlyMemory<byte> secret, out string? problem)
    {
        problem = null;
        try
        {
            switch (message)
            {
                case SendToPeer { PeerId: null or "" } send:
                    problem = $"a {Describe(send.Message)} for a peer without an id";
                    return null;
                case SendToPeer send:
                    return EncodeForPeer(send.PeerId, send.Message, secret, out problem);
                case ReplyToClient { Envelope: null }:
                    problem = "a client reply without an envelope";
                    return null;
                case ReplyToClient reply when EncodeReply(reply.Response) is { } frames:
                    return new ClientReplyOut([reply.Envelope.Identity, .. frames]);
                case ReplyToClient reply:
                    problem = $"a {Describe(reply.Response)} is not a reply to a client";
                    return null;
                case Publish { Frames: { Length: > 0 } frames }:
                    return new PublishOut(frames);
                case Publish:
                    problem = "a publication without frames";
                    return null;
                case SetPeers { Peers: { } peers }:
                    return new PeersOut(peers);
                default:
                    problem = $"the bridge does not send a {Describe(message)}";
                    return null;
            }
        }
        // Encoders refuse values the wire cannot carry (an integer above 2^53 - 1, a conflict term without its
        // index), and a default-constructed record has null lists; none of that may reach the actor as a failure.
        catch (Exception e)
        {
            problem = $"{Describe(message)} cannot be encoded: {e.Message}";
            return null;
        }
    }

    private static OutboundCommand? EncodeForPeer(string peerId, object request, ReadOnlyMemory<byte> secret, out string? problem)
    {
        problem = null;
        switch (request)
        {
            case RequestVoteRequest r:
                return new PeerRequestOut(peerId, r.MessageId, MessageTypes.RequestVote, r.Encode(secret));
            case AppendEntriesRequest r:
                return new PeerRequestOut(peerId, r.MessageId, MessageTypes.AppendEntries, r.Encode(secret));
            case InstallSnapshotRequest r:
                return new PeerRequestOut(peerId, r.MessageId, MessageTypes.InstallSnapshot, r.Encode(secret));
            case RequestVoteResponse r:
                return new PeerAnswerOut(peerId, r.Encode());
            case AppendEntriesResponse r:
                return new PeerAnswerOut(peerId, r.Encode());
            case InstallSnapshotResponse r:
                return new PeerAnswerOut(peerId, r.Encode());
            default:
                problem = $"a {Describe(request)} is not a peer RPC (to {peerId})";
                return null;
        }
    }

    private static ReadOnlyMemory<byte>[]? EncodeReply(object response) => response switch
    {
        RequestUpdateResponse r => r.Encode(),
        ConfigUpdateResponse r => r.Encode(),
        RequestEntriesResponse r => r.Encode(),
        RequestConfigResponse r => r.Encode(),
        RequestLogInfoResponse r => r.Encode(),
        UrlResponse r => r.Encode(),
        ClientDispatchResponse r => r.Encode(),
        _ => null,
    };

    private static string Describe(object? message) => message?.GetType().Name ?? "null";
}
