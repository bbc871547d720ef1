namespace RaftRunner.Raft;

/// <summary>
/// The core's settings, in ticks (the host ticks every <c>raft-runner.raft.tick</c>, 10 ms by default, and
/// converts every duration of reference.conf by rounding up). Defaults are zmq-raft's at 10 ms per tick.
/// </summary>
public sealed record RaftCoreOptions
{
    public required string NodeId { get; init; }

    /// <summary>Election timeout: a uniform integer in [min, max] ticks (zmq-raft: 200–300 ms).</summary>
    public int ElectionTimeoutMinTicks { get; init; } = 20;

    public int ElectionTimeoutMaxTicks { get; init; } = 30;

    /// <summary>RequestVote resend interval (zmq-raft rpcTimeout, 50 ms).</summary>
    public int RpcTimeoutTicks { get; init; } = 5;

    /// <summary>Delay between a follower's answer and the next heartbeat (appendEntriesHeartbeatInterval, 70 ms).</summary>
    public int HeartbeatTicks { get; init; } = 7;

    /// <summary>AppendEntries resend interval without entries (appendEntriesRpcTimeoutMin, 70 ms).</summary>
    public int AppendEntriesRpcTimeoutMinTicks { get; init; } = 7;

    /// <summary>AppendEntries resend interval with entries (appendEntriesRpcTimeoutMax, 140 ms).</summary>
    public int AppendEntriesRpcTimeoutMaxTicks { get; init; } = 14;

    /// <summary>Most entry bytes per AppendEntries (whole entries; at least one). zmq-raft peerMsgDataSize, 64 KiB.</summary>
    public int PeerMessageDataSize { get; init; } = 64 * 1024;

    /// <summary>RAFT.md points 2–3 (spec §1.4). On by default, as in zmq-raft.</summary>
    public bool PreventSpiralElections { get; init; } = true;

    /// <summary>Largest RequestUpdate data (zmq-raft maxLogEntryDataSize, 10 MiB); larger requests are dropped.</summary>
    public int MaxLogEntryDataSize { get; init; } = 10 * 1024 * 1024;

    /// <summary>How long a request id stays fresh (zmq-raft requestIdTtl, 8 h); null accepts every id.</summary>
    public TimeSpan? RequestIdTtl { get; init; } = TimeSpan.FromHours(8);

    /// <summary>Clock skew allowed in either direction when judging freshness (requestIdTtlAcceptMargin, 15 min).</summary>
    public TimeSpan RequestIdTtlAcceptMargin { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Throttled election timeouts after which a candidate held back by <see cref="PreventSpiralElections"/> answers
    /// RequestVotes (and higher terms) normally again; null keeps zmq-raft's refusal for ever, which can deadlock a
    /// joint configuration (docs/raft-core-design.md). It never starts a new term while throttled either way.
    /// </summary>
    public int? ThrottledCandidateYieldsAfter { get; init; } = 8;

    /// <summary>
    /// Check-quorum (beyond zmq-raft, off by default as zmq-raft has none, Q32): a leader that hears from no
    /// majority for an election timeout steps down and arms its election timer.
    /// </summary>
    public bool CheckQuorum { get; init; }

    /// <summary>
    /// AppendEntries messages in flight per follower that takes pipelining (<see cref="PipelinedPeers"/>). zmq-raft
    /// sends one at a time, and its followers truncate after prevIndex on every append (Q2), so a window only
    /// goes to RaftRunner followers, which keep matching entries.
    /// </summary>
    public int AppendEntriesWindow { get; init; } = 1;

    /// <summary>Peers known to be RaftRunner nodes that accept a pipelining window.</summary>
    public IReadOnlySet<string> PipelinedPeers { get; init; } = new HashSet<string>();

    /// <summary>Peers known to understand <see cref="TimeoutNowRequest"/> (RaftRunner nodes).</summary>
    public IReadOnlySet<string> TimeoutNowPeers { get; init; } = new HashSet<string>();

    /// <summary>Deliberate rule breaks for the simulator's self-test; always None in real use.</summary>
    internal CoreFaults Faults { get; init; }

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(NodeId);
        if (ElectionTimeoutMinTicks < 1 || ElectionTimeoutMaxTicks < ElectionTimeoutMinTicks)
            throw new ArgumentException($"election timeout needs 1 <= min <= max ticks (was {ElectionTimeoutMinTicks}..{ElectionTimeoutMaxTicks})");
        if (RpcTimeoutTicks < 1 || HeartbeatTicks < 1 || AppendEntriesRpcTimeoutMinTicks < 1 || AppendEntriesRpcTimeoutMaxTicks < 1)
            throw new ArgumentException("rpc timeouts and the heartbeat interval must be at least one tick");
        if (AppendEntriesWindow < 1)
            throw new ArgumentException($"the append-entries window must be at least 1 (was {AppendEntriesWindow})");
        if (PeerMessageDataSize < 1)
            throw new ArgumentException("the peer message data size must be positive");
    }
}
