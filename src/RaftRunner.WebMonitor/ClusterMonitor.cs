using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Client;
using RaftRunner.Node;
using RaftRunner.Node.Peer;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.WebMonitor;

/// <summary>
/// The monitor's view of the cluster. It learns the peers from its own node (<see cref="GetNodeStatus"/>: the
/// configuration it follows), asks every peer — itself included — for its log state over the wire
/// (RequestLogInfo, which zmq-raft's nodes answer too) every <see cref="WebMonitorOptions.PollInterval"/>, each peer
/// in a loop of its own so that a silent peer delays no other, reads the newest committed entries from the leader
/// (RequestEntries), and publishes a <see cref="ClusterStatus"/> whenever anything in it changed.
/// </summary>
/// <remarks>
/// Thread-safe. The loops write their findings under <see cref="_gate"/> and wake the publisher, which builds the
/// status, compares its JSON with the last one and, when it differs, hands the new JSON to every subscriber (each a
/// one-slot channel that keeps only the newest, so a slow browser never holds anything up).
/// </remarks>
internal sealed class ClusterMonitor : IAsyncDisposable
{
    // camelCase; non-ASCII text as it is (the JSON goes out as application/json and as event-stream data, never into HTML).
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly TimeSpan WebUrlRetry = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WebUrlTimeout = TimeSpan.FromSeconds(1);

    private readonly WebMonitorOptions _options;
    private readonly NodeSettings _settings;
    private readonly ILogger _log;
    private readonly RaftClient _client;
    private readonly WebUrlProbe _probe;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _gate = new();
    private readonly List<Task> _loops = [];

    // Guarded by _gate.
    private readonly Dictionary<string, PeerWatch> _peers = new(StringComparer.Ordinal);
    private readonly List<Channel<Published>> _subscribers = [];
    private IReadOnlyList<PeerInfo> _configuration;
    private NodeStatus? _node;
    private string? _nodeError;
    private List<EntryView> _entries = [];
    private string? _entriesError;
    private string? _selfWww;
    private string _comparable = "";
    private ClusterStatus _status;
    private string _json;
    private bool _disposed;

    public ClusterMonitor(WebMonitorOptions options, ILogger log)
    {
        _options = options;
        _settings = options.NodeSettings;
        _log = log;
        _configuration = _settings.Peers;
        var urls = _settings.Peers.Select(p => p.Url).Append(_settings.Url).Distinct(StringComparer.Ordinal).ToArray();
        _client = new RaftClient(urls, new RaftClientOptions
        {
            SecretBytes = _settings.Secret,
            ResponseTimeout = TimeSpan.FromMilliseconds(500),
            ElectionGraceDelay = TimeSpan.FromMilliseconds(300),
            CallTimeout = TimeSpan.FromSeconds(5),
        });
        _probe = new WebUrlProbe(_settings.Secret);
        _status = new ClusterStatus(0, _settings.NodeId, options.Label, null, null, null, false, [], [], null, null);
        _json = JsonSerializer.Serialize(_status, Json);
    }

    /// <summary>The newest status.</summary>
    public ClusterStatus Current
    {
        get
        {
            lock (_gate)
                return _status;
        }
    }

    /// <summary>The newest status as JSON (what /status sends).</summary>
    public string CurrentJson
    {
        get
        {
            lock (_gate)
                return _json;
        }
    }

    /// <summary>Starts the loops; <paramref name="selfWww"/> is this monitor's own url (shown for this node).</summary>
    public void Start(string selfWww)
    {
        lock (_gate)
        {
            _selfWww = _settings.WebMonitorUrl ?? selfWww;
            SyncPeers(_configuration);
        }
        _loops.Add(Task.Run(() => NodeLoopAsync(_stop.Token)));
        _loops.Add(Task.Run(() => EntriesLoopAsync(_stop.Token)));
        _loops.Add(Task.Run(() => PublishLoopAsync(_stop.Token)));
        Wake();
    }

    /// <summary>
    /// A stream of status JSON: the current one at once, then each new one (only the newest is kept for a slow
    /// reader). Dispose the subscription to end it; it completes by itself when the monitor stops.
    /// </summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<Published>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            if (_disposed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                channel.Writer.TryWrite(new Published(_status.Version, _json));
                _subscribers.Add(channel);
            }
        }
        return new Subscription(this, channel);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> through this node: the answer once it is committed and applied here.</summary>
    public async Task<object> WriteAsync(string key, string value, CancellationToken ct)
    {
        var answer = await _options.Node.Ask<object>(new ChangeStateMachine(KeyValueCommands.Set(key, value)), _settings.ChangeTimeout + TimeSpan.FromSeconds(5), ct)
            .ConfigureAwait(false);
        Wake();
        return answer;
    }

    /// <summary>The web monitor url of peer <paramref name="id"/> as known now (null: not known yet); false when no such peer.</summary>
    public bool TryGetPeerWww(string id, out string? www)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(id, out var watch))
            {
                www = watch.Www;
                return true;
            }
        }
        www = null;
        return false;
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    // ── this node: its status and the configuration it follows ──────────────────────────────────────────────────

    private async Task NodeLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var status = await _options.Node.Ask<NodeStatus>(GetNodeStatus.Instance, TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
                lock (_gate)
                {
                    _node = status;
                    _nodeError = null;
                    _configuration = status.Peers;
                    SyncPeers(status.Peers);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A joining node answers once it runs; a stopped one never does.
                lock (_gate)
                {
                    _node = null;
                    _nodeError = e switch
                    {
                        RecipientTerminatedException => $"node {_settings.NodeId} has stopped",
                        AskTimeoutException => $"node {_settings.NodeId} has not told its status within 2 s (still joining the cluster, or stuck)",
                        _ => $"node {_settings.NodeId} does not answer: {e.Message}",
                    };
                }
            }
            Wake();
            if (!await DelayAsync(_options.PollInterval, ct).ConfigureAwait(false))
                return;
        }
    }

    /// <summary>Starts a watch for every peer of <paramref name="configuration"/> (and this node), stops the others. Under <see cref="_gate"/>.</summary>
    private void SyncPeers(IReadOnlyList<PeerInfo> configuration)
    {
        if (_disposed)
            return;
        var wanted = configuration.DistinctBy(p => p.Id).ToList();
        if (!wanted.Any(p => p.Id == _settings.NodeId))
            wanted.Add(new PeerInfo(_settings.NodeId, _settings.Url));
        foreach (var (id, watch) in _peers.ToArray())
        {
            if (!wanted.Any(p => p.Id == id && p.Url == watch.Url))
            {
                watch.Cancel.Cancel();
                _peers.Remove(id);
            }
        }
        foreach (var peer in wanted.Where(p => !_peers.ContainsKey(p.Id)))
        {
            var www = peer.Id == _settings.NodeId ? _selfWww : _options.PeerWebUrls?.GetValueOrDefault(peer.Id);
            if (!WebUrlProbe.IsWebUrl(www))
                www = null;
            var watch = new PeerWatch(peer.Id, peer.Url, www, CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
            _peers[peer.Id] = watch;
            watch.Loop = Task.Run(async () =>
            {
                try
                {
                    await PeerLoopAsync(watch, watch.Cancel.Token).ConfigureAwait(false);
                }
                finally
                {
                    watch.Cancel.Dispose(); // cancelled before: its loop ends only so
                }
            });
        }
    }

    // ── every peer: RequestLogInfo over the wire ─────────────────────────────────────────────────────────────────

    private async Task PeerLoopAsync(PeerWatch watch, CancellationToken ct)
    {
        var nextWebUrlProbe = DateTime.MinValue;
        var answerTimeout = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, _options.PollInterval.Ticks * 2));
        while (!ct.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            using (var call = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                call.CancelAfter(answerTimeout);
                try
                {
                    var info = await _client.RequestLogInfoAsync(watch.Url, call.Token).ConfigureAwait(false);
                    lock (_gate)
                    {
                        watch.Info = info;
                        watch.Reachable = true;
                        watch.Error = null;
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is OperationCanceledException or TimeoutException)
                {
                    lock (_gate)
                    {
                        watch.Reachable = false;
                        watch.Error = $"no answer within {answerTimeout.TotalSeconds:0.#} s";
                    }
                }
                catch (ObjectDisposedException)
                {
                    return; // the monitor is stopping
                }
            }
            Wake();

            // Its web monitor's url: asked of the peer itself ('W') until it names one.
            if (watch.Www is null && watch.Reachable && DateTime.UtcNow >= nextWebUrlProbe)
            {
                nextWebUrlProbe = DateTime.UtcNow + WebUrlRetry;
                string? www;
                try
                {
                    // A thread of its own: the probe blocks it for up to a second.
                    www = await Task.Factory.StartNew(() => _probe.Ask(watch.Url, WebUrlTimeout), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                        .ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                if (www is not null)
                {
                    lock (_gate)
                        watch.Www = www;
                    Wake();
                }
            }

            var wait = _options.PollInterval - (DateTime.UtcNow - started);
            if (!await DelayAsync(wait < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : wait, ct).ConfigureAwait(false))
                return;
        }
    }

    // ── the newest entries, from the leader ──────────────────────────────────────────────────────────────────────

    private async Task EntriesLoopAsync(CancellationToken ct)
    {
        var wanted = _options.RecentEntryCount;
        long lastRead = 0;
        while (wanted > 0 && !ct.IsCancellationRequested)
        {
            RaftLogInfo? leader;
            lock (_gate)
                leader = Leader()?.Info;
            if (leader is not null)
            {
                if (leader.LastApplied < lastRead)
                {
                    lastRead = 0; // another log (the cluster was started afresh): start again
                    lock (_gate)
                        _entries = [];
                }
                if (leader.LastApplied > lastRead)
                {
                    var after = Math.Max(Math.Max(lastRead, leader.LastApplied - wanted), leader.FirstIndex - 1);
                    var read = new List<EntryView>();
                    using var call = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    call.CancelAfter(TimeSpan.FromSeconds(5));
                    try
                    {
                        await foreach (var item in _client.ReadEntriesAsync(after, leader.LastApplied, call.Token).ConfigureAwait(false))
                        {
                            if (item is LogEntryItem entry)
                                read.Add(EntryDescriber.Describe(entry.Index, entry.Entry));
                        }
                        lock (_gate)
                        {
                            var kept = after == lastRead ? _entries.Concat(read) : read; // a gap: the older ones are no longer the newest
                            _entries = kept.TakeLast(wanted).ToList();
                            _entriesError = null;
                        }
                        lastRead = leader.LastApplied;
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (ObjectDisposedException)
                    {
                        return; // the monitor is stopping
                    }
                    catch (Exception e)
                    {
                        // A leader change mid-read, a timeout: the next round reads again from the same place.
                        lock (_gate)
                            _entriesError = e is OperationCanceledException ? "could not read the log from the leader within 5 s" : $"could not read the log from the leader: {e.Message}";
                    }
                    Wake();
                }
            }
            if (!await DelayAsync(_options.PollInterval, ct).ConfigureAwait(false))
                return;
        }
    }

    // ── publishing ───────────────────────────────────────────────────────────────────────────────────────────────

    private async Task PublishLoopAsync(CancellationToken ct)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                Publish();
                await Task.Delay(50, ct).ConfigureAwait(false); // coalesces a burst of findings into one event
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _log.LogError(e, "the web monitor stopped publishing the cluster's status");
        }
    }

    /// <summary>Builds the status; when it differs from the last one, it becomes the current one and goes to every subscriber.</summary>
    internal void Publish()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            var status = Build();
            var comparable = JsonSerializer.Serialize(status, Json);
            if (comparable == _comparable)
                return;
            _comparable = comparable;
            _status = status with { Version = _status.Version + 1 };
            _json = JsonSerializer.Serialize(_status, Json);
            var published = new Published(_status.Version, _json);
            foreach (var subscriber in _subscribers)
                subscriber.Writer.TryWrite(published);
        }
    }

    /// <summary>The leader: of the reachable peers that say they lead, the one with the highest term. Under <see cref="_gate"/>.</summary>
    private PeerWatch? Leader() =>
        _peers.Values.Where(p => p.Reachable && p.Info is { IsLeader: true }).MaxBy(p => p.Info!.CurrentTerm);

    /// <summary>The status as the loops last found it (version 0). Under <see cref="_gate"/>.</summary>
    private ClusterStatus Build()
    {
        var leader = Leader();
        var leaderId = leader?.Id ?? (_node?.LeaderId is { } named && _peers.ContainsKey(named) ? named : null);
        var leaderCommit = leader?.Info?.CommitIndex;
        var term = leader?.Info?.CurrentTerm ?? _peers.Values.Where(p => p.Reachable).Select(p => p.Info?.CurrentTerm).Max();
        var commit = leaderCommit ?? _peers.Values.Where(p => p.Reachable).Select(p => p.Info?.CommitIndex).Max();

        // In the configuration's order, this node last when it is not in it (joining, or left).
        var order = _configuration.Select(p => p.Id).Append(_settings.NodeId).Distinct(StringComparer.Ordinal).ToList();
        var peers = _peers.Values
            .OrderBy(p => order.IndexOf(p.Id) is var i && i >= 0 ? i : int.MaxValue)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => Describe(p, leader, leaderCommit))
            .ToArray();
        var entries = Enumerable.Reverse(_entries).ToArray();
        return new ClusterStatus(0, _settings.NodeId, _options.Label, leaderId, term, commit, _node?.IsTransitional ?? false,
            peers, entries, _nodeError, _entriesError);
    }

    private PeerStatus Describe(PeerWatch peer, PeerWatch? leader, long? leaderCommit)
    {
        var isSelf = peer.Id == _settings.NodeId;
        var info = peer.Info;
        var known = peer.Reachable ? info : null;
        var isLeader = leader is not null && ReferenceEquals(peer, leader);
        string role;
        if (isSelf && _node is { } node)
            role = RoleName(node.Role);
        else if (known is null)
            role = "unknown";
        else if (isLeader || known.IsLeader)
            role = "leader";
        else
            role = known.LeaderId is null ? "unknown" : "follower";
        long? lag = known is not null && leaderCommit is { } c ? Math.Max(0, c - known.LastApplied) : null;
        return new PeerStatus(
            peer.Id, peer.Url, peer.Www, isSelf, role, isLeader, known?.LeaderId, info?.CurrentTerm,
            info?.FirstIndex, info is null ? null : Math.Max(0, info.FirstIndex - 1), info?.CommitIndex, info?.LastApplied,
            info?.LastIndex, info?.SnapshotSize, info?.PruneIndex, lag, peer.Reachable, peer.Error);
    }

    private static string RoleName(RaftRole role) => role switch
    {
        RaftRole.Leader => "leader",
        RaftRole.Follower => "follower",
        RaftRole.Candidate => "candidate",
        RaftRole.Client => "client",
        _ => "unknown",
    };

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Unsubscribe(Channel<Published> channel)
    {
        lock (_gate)
            _subscribers.Remove(channel);
        channel.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        Task[] loops;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var subscriber in _subscribers)
                subscriber.Writer.TryComplete();
            _subscribers.Clear();
            loops = [.. _loops, .. _peers.Values.Select(p => p.Loop)];
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _wake.Writer.TryComplete();
        try
        {
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            _log.LogWarning("the web monitor's loops did not stop within 5 s");
        }
        await _client.DisposeAsync().ConfigureAwait(false);
        _probe.Dispose();
        _stop.Dispose();
    }

    /// <summary>One status as published: its version and its JSON.</summary>
    public sealed record Published(long Version, string Json);

    /// <summary>One reader of the status stream (<see cref="Subscribe"/>).</summary>
    public sealed class Subscription(ClusterMonitor monitor, Channel<Published> channel) : IDisposable
    {
        public ChannelReader<Published> Reader => channel.Reader;

        public void Dispose() => monitor.Unsubscribe(channel);
    }

    /// <summary>What the monitor knows of one peer; its fields are guarded by the monitor's gate.</summary>
    private sealed class PeerWatch(string id, string url, string? www, CancellationTokenSource cancel)
    {
        public string Id { get; } = id;

        public string Url { get; } = url;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Loop { get; set; } = Task.CompletedTask;

        public string? Www { get; set; } = www;

        public RaftLogInfo? Info { get; set; }

        public bool Reachable { get; set; }

        public string? Error { get; set; }
    }
}
