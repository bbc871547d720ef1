using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node;

namespace RaftRunner.WebMonitor;

/// <summary>What <see cref="WebMonitorHost.StartAsync"/> needs: where to listen, and the node to show.</summary>
public sealed record WebMonitorOptions
{
    /// <summary>
    /// The address to listen on, e.g. <c>http://127.0.0.1:8042</c> (DESIGN.md's layout: the node's port + 1). Only this
    /// address is bound: an IP literal (IPv6 in brackets), <c>localhost</c> (its loopback addresses), or <c>*</c> /
    /// <c>0.0.0.0</c> / <c>[::]</c> for every interface. Port 0 picks a free port (<see cref="WebMonitorHost.Url"/>
    /// tells which). Plain http only.
    /// </summary>
    public required string Url { get; init; }

    /// <summary>The node: the <see cref="RaftRunnerActor"/> (asked for its status, and for the changes the page makes).</summary>
    public required IActorRef Node { get; init; }

    /// <summary>The node's settings: its id, url, secret (to speak to the peers), www url and change timeout.</summary>
    public required NodeSettings NodeSettings { get; init; }

    /// <summary>Where the monitor and its web server log; null for nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The cluster's name on the page (zmq-raft's <c>label</c>, HOCON <c>raft-runner.www.label</c>).</summary>
    public string Label { get; init; } = "RaftRunner cluster";

    /// <summary>
    /// Web monitor urls of peers known from elsewhere (the seed's <c>--peers</c> JSON has them), by peer id. The others
    /// are asked of each peer (zmq-raft's <c>W</c> request) until one answers.
    /// </summary>
    public IReadOnlyDictionary<string, string>? PeerWebUrls { get; init; }

    /// <summary>How often every peer is asked for its log state (RequestLogInfo).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many of the newest log entries the page lists.</summary>
    public int RecentEntryCount { get; init; } = 20;

    /// <summary>A /monitor stream with nothing new gets a comment line this often, so proxies and browsers keep it open.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Url, nameof(Url));
        ArgumentNullException.ThrowIfNull(Node, nameof(Node));
        ArgumentNullException.ThrowIfNull(NodeSettings, nameof(NodeSettings));
        ArgumentNullException.ThrowIfNull(Label, nameof(Label));
        if (PollInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "must be positive");
        if (KeepAliveInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(KeepAliveInterval), KeepAliveInterval, "must be positive");
        if (RecentEntryCount is < 0 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(RecentEntryCount), RecentEntryCount, "must be between 0 and 1000");
    }
}
