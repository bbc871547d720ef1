using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.ZeroMq;

namespace RaftRunner.Node.Tests.Cluster;

/// <summary>
/// A minimal client on the wire (one DEALER per call, as zmq-raft's client would ask one peer): enough for tests to
/// send RequestUpdate, RequestConfig and RequestLogInfo to a node and read the answer. Every wait is bounded.
/// </summary>
internal sealed class WireClient(ReadOnlyMemory<byte> secret) : IDisposable
{
    private readonly ZmqContext _context = new();
    private uint _nextId;

    public RequestUpdateResponse? Update(string url, RequestId id, ReadOnlyMemory<byte> data, TimeSpan timeout) =>
        Call(url, new RequestUpdateRequest(id, data).Encode(secret), timeout) is { } frames && RequestUpdateResponse.TryDecode(frames, out var r, out _) ? r : null;

    public RequestConfigResponse? Config(string url, TimeSpan timeout) =>
        Call(url, new RequestConfigRequest(++_nextId).Encode(secret), timeout) is { } frames && RequestConfigResponse.TryDecode(frames, out var r, out _) ? r : null;

    public RequestLogInfoResponse? LogInfo(string url, TimeSpan timeout) =>
        Call(url, new RequestLogInfoRequest(++_nextId).Encode(secret), timeout) is { } frames && RequestLogInfoResponse.TryDecode(frames, out var r, out _) ? r : null;

    public ConfigUpdateResponse? ConfigUpdate(string url, RequestId id, IReadOnlyList<PeerInfo> peers, TimeSpan timeout) =>
        Call(url, new ConfigUpdateRequest(id, peers).Encode(secret), timeout) is { } frames && ConfigUpdateResponse.TryDecode(frames, out var r, out _) ? r : null;

    /// <summary>A custom request (ClientDispatch, a type of two bytes or more) answered by the state machine's QueryAsync.</summary>
    public ClientDispatchResponse? Dispatch(string url, string type, ReadOnlyMemory<byte> payload, TimeSpan timeout)
    {
        var id = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(++_nextId);
        var request = new ClientDispatchRequest(BitConverter.GetBytes(id), System.Text.Encoding.ASCII.GetBytes(type), [payload]);
        return Call(url, request.Encode(secret), timeout) is { } frames && ClientDispatchResponse.TryDecode(frames, out var r, out _) ? r : null;
    }

    /// <summary>Sends a request and returns the first answer's frames, or null when none came in time.</summary>
    private IReadOnlyList<ReadOnlyMemory<byte>>? Call(string url, ReadOnlyMemory<byte>[] request, TimeSpan timeout)
    {
        using var socket = _context.CreateSocket(ZmqSocketType.Dealer);
        socket.Linger = TimeSpan.Zero;
        socket.Connect(url);
        if (!socket.TrySendMultipart(request, ZmqSendFlags.None))
            return null;
        using var message = new ZmqMessage();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (socket.TryReceiveMultipart(message, ZmqReceiveFlags.DontWait))
                return message.Select(f => (ReadOnlyMemory<byte>)f.ToArray()).ToArray();
            Thread.Sleep(2);
        }
        return null;
    }

    public void Dispose() => _context.Dispose();
}
