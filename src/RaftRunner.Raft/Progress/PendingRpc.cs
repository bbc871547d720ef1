namespace RaftRunner.Raft.Progress;

/// <summary>
/// An outstanding request to a peer (zmq-raft's RpcSocket, spec §0.1–0.3): resent unchanged, with the same
/// message id, every <see cref="Timeout"/> ticks until answered or cancelled.
/// </summary>
internal sealed class PendingRpc(uint messageId, object request, int timeout, long round)
{
    public uint MessageId { get; } = messageId;

    public object Request { get; } = request;

    public int Timeout { get; } = timeout;

    public int TicksLeft { get; set; } = timeout;

    /// <summary>The leader's read round when this was sent: an answer to it confirms leadership up to that round (ReadIndex).</summary>
    public long Round { get; } = round;
}
