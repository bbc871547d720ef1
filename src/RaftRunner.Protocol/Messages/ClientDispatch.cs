namespace RaftRunner.Protocol.Messages;

/// <summary>
/// ClientDispatch RPC request (PROTO.md): any message type zmq-raft does not handle itself goes to the
/// state machine. Application types should be 2 bytes or more; one-byte types are reserved for the
/// protocol. The request id is opaque (a reqid or a uint32) and is echoed back as it came.
/// </summary>
public readonly record struct ClientDispatchRequest(ReadOnlyMemory<byte> RequestId, ReadOnlyMemory<byte> Type, IReadOnlyList<ReadOnlyMemory<byte>> Arguments)
{
    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret) => [RequestId, Type, secret, .. Arguments];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out ClientDispatchRequest request, out ProtocolError? error)
    {
        request = default;
        if (!MessageHeader.TryRead(frames, out var header, out error))
            return false;
        var arguments = new ReadOnlyMemory<byte>[frames.Count - 3];
        for (var i = 0; i < arguments.Length; i++)
            arguments[i] = frames[3 + i];
        request = new ClientDispatchRequest(header.RequestId, header.Type, arguments);
        return true;
    }
}

/// <summary>ClientDispatch response: the request id as it came, then whatever frames the state machine answers.</summary>
public readonly record struct ClientDispatchResponse(ReadOnlyMemory<byte> RequestId, IReadOnlyList<ReadOnlyMemory<byte>> Frames)
{
    public ReadOnlyMemory<byte>[] Encode() => [RequestId, .. Frames];

    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, out ClientDispatchResponse response, out ProtocolError? error)
    {
        response = default;
        if (frames.Count < 1)
        {
            error = new ProtocolError("ClientDispatch response", 0, "expected at least 1 frame (the request id) but got 0");
            return false;
        }
        response = new ClientDispatchResponse(frames[0], frames.Skip(1).ToArray());
        error = null;
        return true;
    }
}
