namespace RaftRunner.Raft.Requests;

/// <summary>
/// Which RequestEntries stream a request belongs to: the client's connection (its ROUTER identity) and the
/// request id, as zmq-raft keys them (ident base64 + request id base64, server.js:244). A client reuses its
/// request id for every acknowledgement of one stream, and two clients never share a stream.
/// </summary>
public readonly record struct EntriesStreamKey(string Connection, uint RequestId)
{
    public static EntriesStreamKey Of(ReadOnlySpan<byte> routerIdentity, uint requestId) =>
        new(Convert.ToBase64String(routerIdentity), requestId);
}
