using System.Globalization;
using RaftRunner.Hocon;
using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.Node;

/// <summary>
/// What one node runs with, read from the <c>raft-runner</c> section of a HOCON config (hocon/reference.conf
/// documents every key). Durations become ticks of <see cref="Tick"/> by rounding up.
/// </summary>
public sealed record NodeSettings
{
    public required string NodeId { get; init; }

    /// <summary>This node's peer url (its ROUTER), e.g. tcp://127.0.0.1:8041.</summary>
    public required string Url { get; init; }

    /// <summary>The url the ROUTER binds to (the node's port on bind-ip).</summary>
    public required string BindUrl { get; init; }

    /// <summary>The broadcast PUB socket's bind url, or null for none.</summary>
    public string? PubBindUrl { get; init; }

    /// <summary>The PUB url clients are told (RequestBroadcastStateUrl), or null.</summary>
    public string? PubUrl { get; init; }

    /// <summary>The web monitor's url clients are told ('W'), or null.</summary>
    public string? WebMonitorUrl { get; init; }

    public required string DataDirectory { get; init; }

    public ReadOnlyMemory<byte> Secret { get; init; }

    /// <summary>The seed configuration; a node not listed in it starts as a CLIENT and joins.</summary>
    public required IReadOnlyList<PeerInfo> Peers { get; init; }

    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan ElectionTimeoutMin { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan ElectionTimeoutMax { get; init; } = TimeSpan.FromMilliseconds(300);

    public TimeSpan RpcTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(70);

    public TimeSpan AppendEntriesRpcTimeoutMin { get; init; } = TimeSpan.FromMilliseconds(70);

    public TimeSpan AppendEntriesRpcTimeoutMax { get; init; } = TimeSpan.FromMilliseconds(140);

    public int PeerMessageDataSize { get; init; } = 64 * 1024;

    public int MaxLogEntryDataSize { get; init; } = 10 * 1024 * 1024;

    public TimeSpan? RequestIdTtl { get; init; } = TimeSpan.FromHours(8);

    /// <summary>The most request ids remembered (the oldest are forgotten first); null = only <see cref="RequestIdTtl"/> limits them.</summary>
    public int? RequestIdCacheMax { get; init; }

    public TimeSpan RequestIdTtlAcceptMargin { get; init; } = TimeSpan.FromMinutes(15);

    public bool PreventSpiralElections { get; init; } = true;

    public int IndexFileCapacity { get; init; } = 16384;

    /// <summary>Applied entries between two snapshots of the state machine (then the log is compacted); 0 = never.</summary>
    public long SnapshotInterval { get; init; } = 10_000;

    /// <summary>Delete log files wholly below MIN(snapshot index, PRUNE INDEX) after each snapshot (zmq-raft keeps them).</summary>
    public bool PruneLogFiles { get; init; } = true;

    public TimeSpan BroadcastHeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a change forwarded from a follower may take to commit before the asker hears Timeout.</summary>
    public TimeSpan ChangeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The core's options: every duration in ticks.</summary>
    public RaftCoreOptions ToCoreOptions() => new()
    {
        NodeId = NodeId,
        ElectionTimeoutMinTicks = Ticks(ElectionTimeoutMin),
        ElectionTimeoutMaxTicks = Ticks(ElectionTimeoutMax),
        RpcTimeoutTicks = Ticks(RpcTimeout),
        HeartbeatTicks = Ticks(HeartbeatInterval),
        AppendEntriesRpcTimeoutMinTicks = Ticks(AppendEntriesRpcTimeoutMin),
        AppendEntriesRpcTimeoutMaxTicks = Ticks(AppendEntriesRpcTimeoutMax),
        PeerMessageDataSize = PeerMessageDataSize,
        MaxLogEntryDataSize = MaxLogEntryDataSize,
        RequestIdTtl = RequestIdTtl,
        RequestIdTtlAcceptMargin = RequestIdTtlAcceptMargin,
        PreventSpiralElections = PreventSpiralElections,
    };

    private int Ticks(TimeSpan duration) => (int)Math.Max(1, Math.Ceiling(duration.TotalMilliseconds / Tick.TotalMilliseconds));

    /// <summary>Reads <c>raft-runner</c> from <paramref name="config"/> (with reference.conf as its fallback).</summary>
    public static NodeSettings From(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = config.WithFallback(HoconConfig.Reference).Resolve();
        var node = c.GetConfig("raft-runner.node");
        var raft = c.GetConfig("raft-runner.raft");
        var id = node.GetString("id");
        var ip = node.GetString("ip");
        var port = node.GetInt("port");
        var bindIp = node.GetString("bind-ip");
        var wwwPort = node.HasPath("www-port") ? node.GetInt("www-port") : port + 1;
        var pubPort = node.HasPath("pub-port") ? node.GetInt("pub-port") : port + 2;
        var dataDir = node.GetString("data-dir");
        if (node.GetBoolean("append-id-to-data-dir"))
            dataDir = Path.Combine(dataDir, id);
        var peers = node.GetConfigList("peers").Select(p => new PeerInfo(p.GetString("id"), p.GetString("url"))).ToArray();
        TimeSpan? ttl = raft.HasPath("request-id-ttl") ? raft.GetTimeSpan("request-id-ttl") : null;
        int? cacheMax = raft.HasPath("request-id-cache-max") ? raft.GetInt("request-id-cache-max") : null;
        return new NodeSettings
        {
            NodeId = id,
            Url = $"tcp://{ip}:{port.ToString(CultureInfo.InvariantCulture)}",
            BindUrl = $"tcp://{bindIp}:{port.ToString(CultureInfo.InvariantCulture)}",
            PubBindUrl = $"tcp://{c.GetString("raft-runner.broadcast.bind-ip")}:{pubPort.ToString(CultureInfo.InvariantCulture)}",
            PubUrl = $"tcp://{ip}:{pubPort.ToString(CultureInfo.InvariantCulture)}",
            WebMonitorUrl = c.GetBoolean("raft-runner.www.enable") ? $"{c.GetString("raft-runner.www.proto")}://{c.GetString("raft-runner.www.host")}:{wwwPort.ToString(CultureInfo.InvariantCulture)}" : null,
            DataDirectory = dataDir,
            Secret = System.Text.Encoding.UTF8.GetBytes(node.GetString("secret")),
            Peers = peers,
            ElectionTimeoutMin = raft.GetTimeSpan("election-timeout-min"),
            ElectionTimeoutMax = raft.GetTimeSpan("election-timeout-max"),
            RpcTimeout = raft.GetTimeSpan("rpc-timeout"),
            HeartbeatInterval = raft.GetTimeSpan("append-entries-heartbeat-interval"),
            AppendEntriesRpcTimeoutMin = raft.GetTimeSpan("append-entries-rpc-timeout-min"),
            AppendEntriesRpcTimeoutMax = raft.GetTimeSpan("append-entries-rpc-timeout-max"),
            PeerMessageDataSize = checked((int)raft.GetByteSize("peer-msg-data-size")),
            MaxLogEntryDataSize = checked((int)raft.GetByteSize("max-log-entry-data-size")),
            RequestIdTtl = ttl,
            RequestIdCacheMax = cacheMax,
            RequestIdTtlAcceptMargin = raft.GetTimeSpan("request-id-ttl-accept-margin"),
            PreventSpiralElections = raft.GetBoolean("prevent-spiral-elections"),
            ChangeTimeout = raft.GetTimeSpan("change-timeout"),
            IndexFileCapacity = c.GetInt("raft-runner.storage.log-index-file-capacity"),
            SnapshotInterval = c.GetLong("raft-runner.storage.snapshot-interval"),
            PruneLogFiles = c.GetBoolean("raft-runner.storage.prune-log-files"),
            BroadcastHeartbeatInterval = c.GetTimeSpan("raft-runner.broadcast.heartbeat-interval"),
        };
    }
}
