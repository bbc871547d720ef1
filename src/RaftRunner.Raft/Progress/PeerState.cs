namespace RaftRunner.Raft.Progress;

/// <summary>What the node knows about one peer: the RPCs in flight to it, message ids, and (as leader) replication progress.</summary>
internal sealed class PeerState(string id, uint firstMessageId)
{
    // zmq-raft starts at 1; starting at a random point instead makes a late answer to a previous incarnation of
    // this node (ZeroMQ normally drops those) all but impossible to mistake for an answer to a new request.
    private uint _lastMessageId = (firstMessageId - 1) & 0xFFFFFF;

    public string Id { get; } = id;

    /// <summary>
    /// Requests awaiting an answer, oldest first. One at most (zmq-raft's single RpcSocket per peer) except for
    /// AppendEntries to a peer that takes a pipelining window.
    /// </summary>
    public List<PendingRpc> InFlight { get; } = [];

    public bool IsIdle => InFlight.Count == 0;

    /// <summary>As leader: the next entry to send (advanced when entries are sent, set back by a rejection).</summary>
    public long NextIndex { get; set; }

    /// <summary>As leader: the last index the peer acknowledged.</summary>
    public long MatchIndex { get; set; }

    /// <summary>As leader: after a rejection (or before the first success) one message at a time, one entry each (spec §3.2).</summary>
    public bool Probing { get; set; } = true;

    /// <summary>As leader: ticks until the next heartbeat, when the peer is idle and up to date; null when none is due.</summary>
    public int? HeartbeatIn { get; set; }

    /// <summary>As leader: the snapshot this peer is being sent, while its next index is below the log's first index.</summary>
    public SnapshotTransfer? Snapshot { get; set; }

    /// <summary>As leader: the highest read round this peer has answered a request of (ReadIndex).</summary>
    public long AckedRound { get; set; }

    /// <summary>As leader: answered anything since the last check-quorum round.</summary>
    public bool RecentlyActive { get; set; }

    /// <summary>As follower: the id of the last AppendEntries or InstallSnapshot from this peer (the duplicate bounce, spec §3.5).</summary>
    public uint? LastRequestId { get; set; }

    /// <summary>As follower: the answer to <see cref="LastRequestId"/>, once given.</summary>
    public object? LastReply { get; set; }

    /// <summary>A 3-byte counter that wraps to 0 (spec §0.3).</summary>
    public uint NextMessageId() => _lastMessageId = (_lastMessageId + 1) & 0xFFFFFF;

    /// <summary>Removes and returns the request in flight with <paramref name="messageId"/> and type <typeparamref name="T"/>.</summary>
    public bool TryTakeAnswered<T>(uint messageId, out T request, out PendingRpc rpc)
    {
        for (var i = 0; i < InFlight.Count; i++)
        {
            if (InFlight[i].MessageId == messageId && InFlight[i].Request is T typed)
            {
                rpc = InFlight[i];
                request = typed;
                InFlight.RemoveAt(i);
                return true;
            }
        }
        request = default!;
        rpc = null!;
        return false;
    }
}
