using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Protocol.Messages;

/// <summary>ConfigUpdate RPC request (PROTO.md): change the cluster to the given complete peer list (joint consensus).</summary>
public readonly record struct ConfigUpdateRequest(RequestId RequestId, IReadOnlyList<PeerInfo> Peers)
{
    private const string Name = "ConfigUpdate request";

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret) =>
        [RequestId.ToArray(), MessageTypes.Frame(MessageTypes.ConfigUpdate), secret, JsonValues.EncodePeers(Peers)];

    /// <summary>
    /// A malformed peer list is not a protocol error: zmq-raft answers it with status 2, so this returns the
    /// raw value in <paramref name="rawPeers"/> and leaves validation to the leader when the list is unreadable.
    /// </summary>
    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out ConfigUpdateRequest request, out MessagePackValue rawPeers, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        rawPeers = MessagePackValue.Nil;
        if (r.FrameCount(4) && r.RequestId(1, out var id) && r.Type(2, MessageTypes.ConfigUpdate) && r.Json(4, out rawPeers))
        {
            request = new ConfigUpdateRequest(id, JsonValues.TryReadPeers(rawPeers, out var peers, out _) ? peers : []);
            error = null;
            return true;
        }
        request = default;
        error = r.Error;
        return false;
    }
}

/// <summary>ConfigUpdate response statuses (PROTO.md).</summary>
public enum ConfigUpdateStatus : byte
{
    NotLeader = 0,
    Accepted = 1,
    ConfigError = 2,
    Busy = 3,
    Expired = 4,
}

/// <summary>
/// ConfigUpdate RPC response. Status 1 without an index means accepted (Cold,new appended, not committed);
/// with one it is the final success. Status 2 carries <c>{name, message}</c>.
/// </summary>
public readonly record struct ConfigUpdateResponse(
    RequestId RequestId, ConfigUpdateStatus Status, ulong? Index = null, string? LeaderId = null, string? ErrorName = null, string? ErrorMessage = null)
{
    private const string Name = "ConfigUpdate response";

    public ReadOnlyMemory<byte>[] Encode()
    {
        ReadOnlyMemory<byte> id = RequestId.ToArray(), status = FrameCodec.EncodeUInt((byte)Status);
        return Status switch
        {
            ConfigUpdateStatus.NotLeader => [id, status, JsonValues.EncodeLeaderId(LeaderId)],
            ConfigUpdateStatus.Accepted when Index is { } index => [id, status, JsonValues.EncodeIndex(index)],
            ConfigUpdateStatus.ConfigError => [id, status, MessagePackCodec.Encode(MessagePackValue.Map(
                new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("name"), MessagePackValue.From(ErrorName ?? "Error")),
                new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("message"), MessagePackValue.From(ErrorMessage ?? ""))))],
            _ => [id, status],
        };
    }

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out ConfigUpdateResponse response, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        response = default;
        if (!(r.FrameCount(2) && r.RequestId(1, out var id) && r.UInt(2, out var statusValue)
            && (statusValue <= (ulong)ConfigUpdateStatus.Expired || r.Fail(2, $"unknown status {statusValue}"))))
        {
            error = r.Error;
            return false;
        }
        var status = (ConfigUpdateStatus)statusValue;
        response = new ConfigUpdateResponse(id, status);
        if (r.Has(3))
        {
            if (!r.Json(3, out var value))
            {
                error = r.Error;
                return false;
            }
            switch (status)
            {
                case ConfigUpdateStatus.NotLeader when JsonValues.TryReadLeaderId(value, out var leader):
                    response = response with { LeaderId = leader };
                    break;
                case ConfigUpdateStatus.NotLeader:
                    r.Fail(3, $"leader id must be a string or null, got {value}");
                    break;
                case ConfigUpdateStatus.Accepted when value.TryGetUInt64(out var index):
                    response = response with { Index = index };
                    break;
                case ConfigUpdateStatus.Accepted:
                    r.Fail(3, $"committed index must be a number, got {value}");
                    break;
                case ConfigUpdateStatus.ConfigError:
                    response = response with
                    {
                        ErrorName = value.TryGetProperty("name", out var n) && n.TryGetString(out var name) ? name : null,
                        ErrorMessage = value.TryGetProperty("message", out var m) && m.TryGetString(out var message) ? message : null,
                    };
                    break;
            }
        }
        error = r.Error;
        return error is null;
    }

}
