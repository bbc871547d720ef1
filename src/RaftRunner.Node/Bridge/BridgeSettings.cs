using RaftRunner.Protocol;

namespace RaftRunner.Node.Bridge;

/// <summary>
/// What <see cref="ZmqBridgeActor"/> needs: where to bind, the cluster secret, the peers to dial, and the
/// socket options. The defaults follow zmq-raft where it sets an option and libzmq's otherwise; each says why.
/// </summary>
public sealed record BridgeSettings
{
    /// <summary>This node's peer id; a peer with this id in <see cref="Peers"/> or a <see cref="SetPeers"/> is skipped.</summary>
    public required string NodeId { get; init; }

    /// <summary>Where the ROUTER binds (zmq-raft binds it to the node's own peer url, e.g. <c>tcp://127.0.0.1:8041</c>).</summary>
    public required string RouterBindUrl { get; init; }

    /// <summary>Where the broadcast PUB socket binds; null: no PUB socket, and <see cref="Publish"/> is dropped.</summary>
    public string? PubBindUrl { get; init; }

    /// <summary>zmq-raft's cluster "secret" frame: every request must carry it, and every request this node sends does.</summary>
    public ReadOnlyMemory<byte> Secret { get; init; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>The peers to dial at start (a DEALER each); later changes come as <see cref="SetPeers"/>.</summary>
    public IReadOnlyList<PeerInfo> Peers { get; init; } = [];

    /// <summary>
    /// Largest inbound message (ZMQ_MAXMSGSIZE) on every socket; a sender of a bigger one is disconnected. zmq-raft sets
    /// no limit, but its largest messages are an AppendEntries or RequestUpdate of one maximal entry (10 MiB by
    /// default), so 64 MiB leaves room while keeping one bogus client from making this node allocate gigabytes.
    /// </summary>
    public long MaxMessageSize { get; init; } = 64L << 20;

    /// <summary>ROUTER queue per connection, each way (libzmq's default). A full outbound queue drops the reply; the client retries.</summary>
    public int RouterHighWatermark { get; init; } = 1000;

    /// <summary>
    /// DEALER queue per peer. zmq-raft allows one request at a time (SNDHWM 1); this node pipelines a few
    /// AppendEntries and resends every rpc timeout, so it needs more, but not so many that a slow peer is fed
    /// seconds of stale resends.
    /// </summary>
    public int PeerSendHighWatermark { get; init; } = 64;

    /// <summary>PUB queue per subscriber (libzmq's default); a slow subscriber loses broadcasts, as with zmq-raft.</summary>
    public int PubSendHighWatermark { get; init; } = 1000;

    /// <summary>How soon a DEALER redials a peer that went away: zmq-raft uses its rpc timeout (50 ms), so a peer that returns is heard at once.</summary>
    public TimeSpan PeerReconnectInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// ZMTP heartbeats on the ROUTER and the DEALERs (zero: off). Without them a peer that vanished without
    /// closing TCP (a pulled cable, a frozen VM) keeps its connection, and the DEALER, which only queues to
    /// live connections (ZMQ_IMMEDIATE), would queue requests into it instead of failing them.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long after a heartbeat PING without any traffic the connection is dropped and redialled.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How many requests per peer wait for an answer (message id → request type). Raft resends with the same id,
    /// so a few suffice; the cap keeps a peer that never answers from growing the map without bound.
    /// </summary>
    public int PendingRequestsPerPeer { get; init; } = 256;

    /// <summary>How long the actor waits for its sockets to be bound before it fails to start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the actor's stop waits for the I/O thread to end.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(NodeId))
            throw new ArgumentException("the bridge needs this node's id", nameof(NodeId));
        if (string.IsNullOrEmpty(RouterBindUrl))
            throw new ArgumentException("the bridge needs a url to bind its ROUTER to", nameof(RouterBindUrl));
        if (PubBindUrl is { Length: 0 })
            throw new ArgumentException("the PUB url is empty; use null for no PUB socket", nameof(PubBindUrl));
        if (Peers is null)
            throw new ArgumentException("the peer list is null; use an empty list", nameof(Peers));
        if (MaxMessageSize is 0 or < -1)
            throw new ArgumentException($"must be positive, or -1 for no limit: {MaxMessageSize}", nameof(MaxMessageSize));
        RequirePositive(RouterHighWatermark, nameof(RouterHighWatermark));
        RequirePositive(PeerSendHighWatermark, nameof(PeerSendHighWatermark));
        RequirePositive(PubSendHighWatermark, nameof(PubSendHighWatermark));
        RequirePositive(PendingRequestsPerPeer, nameof(PendingRequestsPerPeer));
        RequirePositive(PeerReconnectInterval, nameof(PeerReconnectInterval));
        RequirePositive(StartTimeout, nameof(StartTimeout));
        RequirePositive(StopTimeout, nameof(StopTimeout));
        if (HeartbeatInterval < TimeSpan.Zero || HeartbeatTimeout < TimeSpan.Zero)
            throw new ArgumentException("heartbeat durations must not be negative", nameof(HeartbeatInterval));
    }

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentException($"must be positive: {value}", name);
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentException($"must be positive: {value}", name);
    }
}
