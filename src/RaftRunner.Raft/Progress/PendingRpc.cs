namespace RaftRunner.Raft.Progress;

/// <summary>
/// The one outstanding request to a peer (zmq-raft's RpcSocket, spec §0.1–0.3): resent unchanged, with the same
/// message id, every <see cref="Timeout"/> ticks until answered or cancelled.
/// </summary>
internal sealed class PendingRpc(uint messageId, object request, int timeout)
{
    public uint MessageId { get; } = messageId;

    public object Request { get; } = request;

    public int Timeout { get; } = timeout;

    public int TicksLeft { get; set; } = timeout;
}
