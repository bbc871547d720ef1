using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RaftRunner.Client.Io;
using RaftRunner.Protocol;

namespace RaftRunner.Client;

/// <summary>
/// A client of a zmq-raft cluster — RaftRunner nodes, zmq-raft's own nodes, or both — speaking PROTO.md's client
/// RPCs: it finds the leader and follows it through elections (PROTO.md's "broken known leader state" recovery),
/// makes idempotent updates (RequestUpdate retried with the same request id until it commits), changes membership
/// (ConfigUpdate), reads the log and the snapshot (RequestEntries) and follows the leader's broadcasts.
/// </summary>
/// <remarks>
/// Every public member is thread-safe, and calls may run concurrently. One I/O thread owns every ZeroMQ socket (a
/// DEALER per peer, a SUB per subscription); calls hand it their messages and await the answers (README.md).
/// Dispose the client to close its sockets; calls still running then fail with <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed partial class RaftClient : IDisposable, IAsyncDisposable
{
    private readonly RaftClientOptions _options;
    private readonly ReadOnlyMemory<byte> _secret;
    private readonly ILogger _log;
    private readonly ClusterView _view;
    private readonly ClientIo _io;
    private int _nextRequestId = RandomNumberGenerator.GetInt32(1, 1 << 24);
    private int _disposed;

    /// <param name="peerUrls">the urls of some of the cluster's peers (e.g. <c>tcp://127.0.0.1:8041</c>); the client
    /// learns the rest, and the peers' ids, from RequestConfig.</param>
    /// <param name="options">the secret, timeouts and logger; zmq-raft's defaults when null.</param>
    public RaftClient(IEnumerable<string> peerUrls, RaftClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(peerUrls);
        var urls = peerUrls.ToArray();
        if (urls.Length == 0)
            throw new ArgumentException("at least one peer url is needed", nameof(peerUrls));
        if (urls.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("a peer url is empty", nameof(peerUrls));
        _options = options ?? new RaftClientOptions();
        _options.Validate();
        _secret = _options.SecretFrame();
        _log = _options.Logger ?? NullLogger.Instance;
        _view = new ClusterView(urls);
        _io = new ClientIo(_log);
    }

    /// <summary>The leader's id as last known (null while unknown); calls keep it up to date.</summary>
    public string? LeaderId => _view.LeaderId;

    /// <summary>The leader's url as last known, or null.</summary>
    public string? LeaderUrl => _view.LeaderUrl;

    /// <summary>The peers of the last RequestConfig answer (empty until one came).</summary>
    public IReadOnlyList<PeerInfo> Peers => _view.Peers;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _io.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>A uint32 request id for RPCs that do not carry a reqid; unique among this client's open requests.</summary>
    private uint NextId()
    {
        while (true)
        {
            var id = (uint)Interlocked.Increment(ref _nextRequestId);
            if (id != 0)
                return id;
        }
    }

    /// <summary>Checks, before each attempt, that the call may go on.</summary>
    private void BeforeAttempt(Deadline deadline, string what, CancellationToken ct)
    {
        ThrowIfDisposed();
        ct.ThrowIfCancellationRequested();
        deadline.ThrowIfExpired(what);
    }

    /// <summary>Sends one request to one peer and waits for its first answer (null: none within the response timeout).</summary>
    private async Task<ReadOnlyMemory<byte>[]?> AskOnceAsync(string url, uint id, ReadOnlyMemory<byte>[] frames, Deadline deadline, CancellationToken ct)
    {
        using var exchange = _io.Open(url, WireKey.Of(id), frames);
        return await exchange.ReceiveAsync(deadline.Cap(_options.ResponseTimeout), ct).ConfigureAwait(false);
    }

    /// <summary>Waits the election grace delay (zmq-raft's serverElectionGraceDelay), cut to the call's deadline.</summary>
    private Task GraceAsync(Deadline deadline, CancellationToken ct) => Task.Delay(deadline.Cap(_options.ElectionGraceDelay), ct);

    /// <summary>
    /// The "broken known leader state" recovery for a negative answer: follow the leader it names, at once; when it
    /// names none (or one whose url is unknown), forget the leader and give the cluster the grace delay to elect one.
    /// </summary>
    private async Task NotLeaderAsync(string rpc, string url, string? leaderId, Deadline deadline, CancellationToken ct)
    {
        ClientLog.NotLeader(_log, rpc, url, leaderId);
        if (_view.Redirect(url, leaderId) is { } leaderUrl)
        {
            ClientLog.LeaderFound(_log, leaderId!, leaderUrl);
            return;
        }
        await GraceAsync(deadline, ct).ConfigureAwait(false);
    }

    /// <summary>A peer gave no answer in time: the leader (if it was the leader) is forgotten, the next attempt goes elsewhere.</summary>
    private void NoAnswer(string rpc, string url, TimeSpan timeout)
    {
        ClientLog.NoAnswer(_log, rpc, url, timeout);
        _view.Forget(url);
    }
}
