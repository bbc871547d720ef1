using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Hocon;
using RaftRunner.Node;
using RaftRunner.Node.Peer;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.Hosting;

/// <summary>
/// One Raft node without actors in sight (the seed's <c>new RaftRunner(ourId, localDirPath, ourPort, raftPeers,
/// stateHandler)</c>): it starts at once, in an actor system of its own, a <see cref="RaftRunnerActor"/> that
/// replicates <see cref="IStateMachine"/>. When <c>ourId</c> is not among the peers given, the node joins that
/// cluster by itself (it catches up as a non-voting member, then is added by a ConfigUpdate); a restarted node that
/// has its data directory is again what it was.
/// </summary>
/// <remarks>
/// <para>The type shares its name with the library's root namespace. Import it inside your namespace, where
/// it is found before that namespace (<c>namespace MyApp; using RaftRunner.Hosting;</c>), or alias it
/// (<c>using RaftNode = RaftRunner.Hosting.RaftRunner;</c>).</para>
/// <para>Thread-safe: every member may be called from any thread. Events are raised on the node's threads, one at a
/// time, in order; a slow handler delays later events, never the node.</para>
/// </remarks>
public sealed class RaftRunner : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly ActorSystem _system;
    private readonly IActorRef _node;
    private readonly NodeSettings _settings;
    private readonly ILogger _log;
    private readonly TaskCompletionSource<string?> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile RoleChanged? _state;
    private int _disposed;

    /// <summary>
    /// Starts node <paramref name="ourId"/> listening on <paramref name="ourPort"/> of <paramref name="host"/> (the
    /// address other peers reach it at; default 127.0.0.1), with its data in <paramref name="localDirPath"/> (zmq-raft's
    /// layout; created when missing). Every other setting is the default of hocon/reference.conf.
    /// </summary>
    /// <param name="raftPeers">The cluster's peers; when <paramref name="ourId"/> is not among them, the node joins them.</param>
    public RaftRunner(string ourId, string localDirPath, int ourPort, IEnumerable<PeerInfo> raftPeers, IStateMachine stateHandler, string host = "127.0.0.1", ILoggerFactory? loggerFactory = null)
        : this(SettingsFor(ourId, localDirPath, ourPort, raftPeers, host), stateHandler, loggerFactory)
    {
    }

    /// <summary>Starts a node with every setting given (see <see cref="NodeSettings.From"/> to read them from HOCON).</summary>
    public RaftRunner(NodeSettings settings, IStateMachine stateHandler, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stateHandler);
        _settings = settings;
        _system = ActorSystem.Create(SystemName(settings.NodeId), options: new ActorSystemOptions { LoggerFactory = loggerFactory });
        _log = (loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger<RaftRunner>();
        _node = _system.ActorOf(RaftRunnerActor.Props(settings, stateHandler), "raft");
        _system.ActorOf(Props.Create(() => new NodeObserverActor(_node, OnChanged, OnStopped)), "observer");
    }

    /// <summary>Starts a node configured by a HOCON file's <c>raft-runner</c> section (as <c>raft-runner node --config</c>).</summary>
    public static RaftRunner FromConfig(Config config, IStateMachine stateHandler, ILoggerFactory? loggerFactory = null) =>
        new(NodeSettings.From(config), stateHandler, loggerFactory);

    /// <summary>
    /// The node's role, term, known leader or membership changed. Raised for every change from the node's first report
    /// on; a handler attached later misses earlier ones, so read <see cref="Role"/>, <see cref="LeaderId"/> and
    /// <see cref="GetPeers"/> for the state now.
    /// </summary>
    public event EventHandler<RaftStateChangedEventArgs>? RaftStateChanged;

    public string Id => _settings.NodeId;

    /// <summary>The node's role as last reported; <see cref="RaftRole.Client"/> while it is still joining.</summary>
    public RaftRole Role => _state?.Role ?? RaftRole.Client;

    public bool IsLeader => Role == RaftRole.Leader;

    public ulong Term => _state?.Term ?? 0;

    /// <summary>The leader this node knows of, or null (no leader yet, or an election is on).</summary>
    public string? LeaderId => _state?.LeaderId;

    /// <summary>Completes when the node has stopped: disposed, or stopped by itself (its result is the reason, null when asked to stop).</summary>
    public Task<string?> Stopped => _stopped.Task;

    /// <summary>The peers of the configuration the node follows (both sides while membership changes); empty until it runs.</summary>
    public IReadOnlyList<PeerInfo> GetPeers() => _state?.Peers ?? [];

    /// <summary>
    /// Replicates <paramref name="data"/> as one STATE entry and returns once it is committed and applied by this
    /// node's state machine, with its index and the state machine's result. On a follower the change goes to the
    /// leader by itself; the caller never sees "not leader". Failures are <see cref="ChangeFailedException"/> (its
    /// <see cref="ChangeFailedException.Reason"/>: timeout, expired, refused, or rejected by the state machine);
    /// cancelling <paramref name="ct"/> stops the wait only — the change may still be applied.
    /// </summary>
    public Task<ChangeResult> ChangeStateMachineAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default) =>
        ChangeStateMachineAsync(data, RequestId.New(), ct);

    /// <summary>
    /// As <see cref="ChangeStateMachineAsync(ReadOnlyMemory{byte}, CancellationToken)"/> with the request id given:
    /// retrying with the same id (after a timeout, or from another process) never applies the change twice.
    /// </summary>
    public async Task<ChangeResult> ChangeStateMachineAsync(ReadOnlyMemory<byte> data, RequestId requestId, CancellationToken ct = default)
    {
        // The node gives up at change-timeout; the ask waits a little longer so the node's own answer wins.
        var answer = await AskNode(new ChangeStateMachine(data, requestId), _settings.ChangeTimeout + TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        return answer switch
        {
            ChangeApplied applied => new ChangeResult(applied.Index, applied.RequestId, applied.Result),
            ChangeFailed failed => throw new ChangeFailedException(failed.Reason, failed.Message, failed.Index, failed.LeaderId, failed.Error),
            null => throw new ChangeFailedException(ChangeFailure.Timeout, $"change {requestId} was not confirmed within {_settings.ChangeTimeout.TotalSeconds:0.#} s; retry with the same request id to learn its fate", 0, LeaderId),
            _ => throw new InvalidOperationException($"unexpected answer {answer.GetType().Name} to a change"),
        };
    }

    /// <summary>
    /// Runs <paramref name="request"/> through the state machine's <c>QueryAsync</c>. <see cref="ReadConsistency.Linearizable"/>
    /// (the default) sees every change committed before the call, wherever it was made; <see cref="ReadConsistency.Local"/>
    /// answers from this node's state at once (it may lag the leader). Failures are <see cref="QueryFailedException"/>.
    /// </summary>
    public async Task<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken ct = default)
    {
        var answer = await AskNode(new QueryState(request, consistency), _settings.ChangeTimeout + TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        return answer switch
        {
            QueryAnswered answered => answered.Response,
            QueryFailed failed => throw new QueryFailedException(failed.Reason, failed.Message),
            null => throw new QueryFailedException(QueryFailure.Timeout, $"the query was not answered within {_settings.ChangeTimeout.TotalSeconds:0.#} s"),
            _ => throw new InvalidOperationException($"unexpected answer {answer.GetType().Name} to a query"),
        };
    }

    /// <summary>The node's Raft state now: role, term, indexes, configuration.</summary>
    public async Task<NodeStatus> GetStatusAsync(CancellationToken ct = default) =>
        await AskNode(GetNodeStatus.Instance, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false) as NodeStatus
        ?? throw new TimeoutException($"node {Id} did not report its status within 10 s");

    /// <summary>Waits until this node knows a leader (itself or another) and returns its id.</summary>
    public async Task<string> WaitForLeaderAsync(CancellationToken ct = default)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(object? _, RaftStateChangedEventArgs e)
        {
            if (e.LeaderId is { } leader && e.Role != RaftRole.Client)
                found.TrySetResult(leader);
        }
        RaftStateChanged += Check;
        try
        {
            if (_state is { LeaderId: { } known, Role: not RaftRole.Client })
                return known;
            var done = await Task.WhenAny(found.Task, Stopped, Task.Delay(Timeout.Infinite, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            return done == found.Task ? await found.Task.ConfigureAwait(false) : throw StoppedError();
        }
        finally
        {
            RaftStateChanged -= Check;
        }
    }

    /// <summary>
    /// Takes this node out of the cluster (a ConfigUpdate without it, through the leader) and returns the joint
    /// entry's index. The node then runs on as a non-member; dispose it when you like. Failure: <see cref="ChangeFailedException"/>.
    /// </summary>
    public async Task<long> LeaveAsync(CancellationToken ct = default)
    {
        var answer = await AskNode(LeaveCluster.Instance, _settings.ChangeTimeout + TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        return answer switch
        {
            LeftCluster left => left.JointIndex,
            ChangeFailed failed => throw new ChangeFailedException(failed.Reason, failed.Message, failed.Index, failed.LeaderId, failed.Error),
            _ => throw new ChangeFailedException(ChangeFailure.Timeout, $"node {Id} could not leave within {_settings.ChangeTimeout.TotalSeconds:0.#} s", 0, LeaderId),
        };
    }

    /// <summary>Stops the node cleanly (its data stays, to start again later) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        try
        {
            await _system.Terminate().WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("node {Id} did not stop within {Timeout}", Id, StopTimeout);
        }
        _stopped.TrySetResult(null);
    }

    /// <summary>The node's answer, or null when it gave none in time; a stopped node is an error.</summary>
    private async Task<object?> AskNode(object message, TimeSpan timeout, CancellationToken ct)
    {
        if (_stopped.Task.IsCompleted || Volatile.Read(ref _disposed) == 1)
            throw StoppedError();
        var ask = _node.Ask<object>(message, timeout, ct);
        var done = await Task.WhenAny(ask, _stopped.Task).ConfigureAwait(false);
        if (done != ask)
            throw StoppedError();
        try
        {
            return await ask.ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
        catch (RecipientTerminatedException)
        {
            // The node stopped between the check above and the ask: say why, once the observer has heard it.
            await Task.WhenAny(_stopped.Task, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
            throw StoppedError();
        }
    }

    private NodeStoppedException StoppedError() =>
        new(_stopped.Task.IsCompletedSuccessfully && _stopped.Task.Result is { } reason
            ? $"node {Id} stopped: {reason}"
            : $"node {Id} is stopped");

    private void OnChanged(RoleChanged changed)
    {
        _state = changed;
        try
        {
            RaftStateChanged?.Invoke(this, new RaftStateChangedEventArgs(changed.Role, changed.Term, changed.LeaderId, changed.Peers));
        }
        catch (Exception e)
        {
            _log.LogError(e, "a RaftStateChanged handler threw: {Error}", e.Message);
        }
    }

    private void OnStopped(string? reason)
    {
        if (reason is not null)
            _log.LogError("node {Id} stopped: {Reason}", Id, reason);
        _stopped.TrySetResult(reason);
    }

    private static NodeSettings SettingsFor(string ourId, string localDirPath, int ourPort, IEnumerable<PeerInfo> raftPeers, string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ourId);
        ArgumentException.ThrowIfNullOrWhiteSpace(localDirPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(ourPort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ourPort, 65535);
        ArgumentNullException.ThrowIfNull(raftPeers);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var url = $"tcp://{host}:{ourPort}";
        return new NodeSettings
        {
            NodeId = ourId,
            Url = url,
            BindUrl = url,
            DataDirectory = localDirPath,
            Peers = [.. raftPeers],
        };
    }

    /// <summary>Actor system names allow letters, digits and a few marks; a peer id may hold anything.</summary>
    private static string SystemName(string nodeId) =>
        "raft-runner-" + new string([.. nodeId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
}
