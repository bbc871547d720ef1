namespace RaftRunner.Raft.Progress;

/// <summary>What the node knows about one peer: the RPC in flight to it, message ids, and (as leader) replication progress.</summary>
internal sealed class PeerState(string id, uint firstMessageId)
{
    // zmq-raft starts at 1; starting at a random point instead makes a late answer to a previous incarnation of
    // this node (ZeroMQ normally drops those) all but impossible to mistake for an answer to a new request.
    private uint _lastMessageId = (firstMessageId - 1) & 0xFFFFFF;

    public string Id { get; } = id;

    public PendingRpc? Pending { get; set; }

    /// <summary>As leader: the next entry to send.</summary>
    public long NextIndex { get; set; }

    /// <summary>As leader: the last index the peer acknowledged (assigned from each success, not max'ed — spec §3.3).</summary>
    public long MatchIndex { get; set; }

    /// <summary>As leader: ticks until the next heartbeat, when the peer is idle and up to date; null when none is due.</summary>
    public int? HeartbeatIn { get; set; }

    /// <summary>As follower: the id of the last AppendEntries from this peer (the duplicate bounce, spec §3.5).</summary>
    public uint? LastRequestId { get; set; }

    /// <summary>As follower: the answer to <see cref="LastRequestId"/>, once given.</summary>
    public object? LastReply { get; set; }

    /// <summary>A 3-byte counter that wraps to 0 (spec §0.3).</summary>
    public uint NextMessageId() => _lastMessageId = (_lastMessageId + 1) & 0xFFFFFF;
}
