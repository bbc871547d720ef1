using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Protocol;
using RaftRunner.ZeroMq;

namespace RaftRunner.Node.Bridge;

/// <summary>
/// The bridge's I/O thread. It creates and alone uses every socket (ZeroMQ sockets are not thread-safe): the
/// ROUTER, a DEALER per peer, the PUB. It sleeps in <see cref="ZmqPoller.Poll"/> until a socket has input or
/// the actor queues outbound work (<see cref="Enqueue"/> wakes it), decodes what arrives and tells the node,
/// and sends what was queued without ever blocking (a full queue drops the message; Raft and clients resend).
/// It ends when the actor disposes the context: every socket call then throws <see cref="ZmqTerminatedException"/>.
/// No exception leaves the thread: one that would is logged, and the loop goes on.
/// </summary>
internal sealed class BridgeLoop
{
    // Per socket and per turn, so a flood on one socket cannot starve the others or the outbox.
    private const int ReceiveBatch = 256;
    private const int SendBatch = 1024;
    // Peer ids come from request bodies; this bounds what a sender holding the secret can make us remember.
    private const int MaxPeerRoutes = 1024;
    // The ROUTER is registered first, so its poll index never shifts when DEALERs come and go.
    private const int RouterIndex = 0;
    // After an unexpected failure of the loop itself, so that a failure that repeats cannot spin a core.
    private static readonly TimeSpan PauseAfterError = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LogWindow = TimeSpan.FromSeconds(10);

    private readonly BridgeSettings _settings;
    private readonly ZmqContext _context;
    private readonly IActorRef _node;
    private readonly IActorRef _self;
    private readonly ILogger _log;
    private readonly ConcurrentQueue<OutboundCommand> _outbox = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, PeerConnection> _peers = new(StringComparer.Ordinal);
    private readonly PeerRoutes _routes = new(MaxPeerRoutes);
    private readonly LogThrottle _malformedLog = new(10, LogWindow);
    private readonly LogThrottle _ignoredLog = new(10, LogWindow);
    private readonly LogThrottle _droppedLog = new(10, LogWindow);
    private readonly LogThrottle _errorLog = new(10, LogWindow);
    private volatile ZmqPoller? _poller;
    private volatile bool _stopRequested;
    private ZmqSocket? _router;
    private ZmqSocket? _pub;

    public BridgeLoop(BridgeSettings settings, ZmqContext context, IActorRef node, IActorRef self, ILogger log)
    {
        _settings = settings;
        _context = context;
        _node = node;
        _self = self;
        _log = log;
        Thread = new Thread(Run) { Name = $"zmq-bridge {settings.NodeId}", IsBackground = true };
    }

    public Thread Thread { get; }

    /// <summary>Completes once the sockets are bound and the loop runs; faults with the reason they could not be.</summary>
    public Task Started => _started.Task;

    public void Start() => Thread.Start();

    /// <summary>Any thread: queues work for the loop and wakes it.</summary>
    public void Enqueue(OutboundCommand command)
    {
        _outbox.Enqueue(command);
        _poller?.Wake();
    }

    /// <summary>Any thread, before the context is disposed: what fails from now on is the shutdown, not an error.</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>Waits for the thread to end; true when it has (or never started).</summary>
    public bool Join(TimeSpan timeout) => (Thread.ThreadState & ThreadState.Unstarted) != 0 || Thread.Join(timeout);

    private void Run()
    {
        try
        {
            using var incoming = new ZmqMessage(); // reused for every receive: no allocation until a message is kept
            if (TryOpen())
                Loop(_poller!, incoming);
        }
        catch (Exception e)
        {
            // An exception leaving a thread would end the process.
            LogError(e, "unexpectedly");
        }
        finally
        {
            CloseAll();
            _started.TrySetException(new InvalidOperationException("the bridge's I/O thread ended before its sockets were open"));
            BridgeLog.Stopped(_log, _settings.NodeId);
        }
    }

    private bool TryOpen()
    {
        try
        {
            var poller = new ZmqPoller(_context);
            _poller = poller;
            _router = BridgeSockets.BindRouter(_context, _settings);
            poller.Add(_router, ZmqPollEvents.In);
            BridgeLog.RouterBound(_log, _settings.NodeId, _router.LastEndpoint);
            if (_settings.PubBindUrl is { } pubUrl)
            {
                _pub = BridgeSockets.BindPub(_context, _settings, pubUrl);
                BridgeLog.PubBound(_log, _settings.NodeId, _pub.LastEndpoint);
            }
            ApplyPeers(_settings.Peers);
            _started.TrySetResult();
            return true;
        }
        catch (Exception e)
        {
            _started.TrySetException(e);
            return false;
        }
    }

    private void Loop(ZmqPoller poller, ZmqMessage incoming)
    {
        while (true)
        {
            try
            {
                // Work left over from a full batch must not wait for the next wake-up.
                poller.Poll(_outbox.IsEmpty ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);
                ReceiveReady(poller, incoming);
                SendQueued();
            }
            catch (Exception e) when (e is ZmqTerminatedException || _stopRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogError(e, "polling");
                Thread.Sleep(PauseAfterError);
            }
        }
    }

    private void ReceiveReady(ZmqPoller poller, ZmqMessage incoming)
    {
        if ((poller.ReturnedEvents(RouterIndex) & ZmqPollEvents.In) != 0)
        {
            for (var i = 0; i < ReceiveBatch && _router!.TryReceiveMultipart(incoming, ZmqReceiveFlags.DontWait); i++)
            {
                try
                {
                    HandleRequest(incoming);
                }
                catch (Exception e) when (IsFailure(e))
                {
                    LogError(e, "handling a request");
                }
            }
        }
        foreach (var peer in _peers.Values)
        {
            var index = poller.IndexOf(peer.Dealer);
            if (index < 0 || (poller.ReturnedEvents(index) & ZmqPollEvents.In) == 0)
                continue;
            for (var i = 0; i < ReceiveBatch && peer.Dealer.TryReceiveMultipart(incoming, ZmqReceiveFlags.DontWait); i++)
            {
                try
                {
                    HandleAnswer(peer, incoming);
                }
                catch (Exception e) when (IsFailure(e))
                {
                    LogError(e, $"handling an answer from peer {peer.Peer.Id}");
                }
            }
        }
    }

    /// <summary>A ROUTER message <c>[identity, id, type, secret, …]</c> from a peer or a client.</summary>
    private void HandleRequest(ZmqMessage incoming)
    {
        var secret = _settings.Secret.Span;
        // Checked on the receive buffer first, so a flood with the wrong secret costs no copies.
        if (InboundDecoder.Screen(incoming, secret) is { } dropped)
        {
            Report(dropped, "a ROUTER connection");
            return;
        }
        var identity = incoming[0].ToArray();
        var inbound = InboundDecoder.DecodeRequest(identity, FrameCopy.Copy(incoming, first: 1), secret);
        if (inbound.Kind == InboundKind.PeerRequest)
            _routes.Remember(inbound.PeerId!, identity);
        Report(inbound, "a ROUTER connection");
    }

    /// <summary>A peer's answer <c>[id, …]</c> on its DEALER, read by the type of the request sent with that id.</summary>
    private void HandleAnswer(PeerConnection peer, ZmqMessage incoming)
    {
        var source = $"peer {peer.Peer.Id}";
        if (!InboundDecoder.TryReadMessageId(incoming[0].Span, out var messageId))
            Report(Inbound.Ignored($"an answer's message id must be 1 to 3 bytes, got {incoming[0].Length}"), source);
        else if (!peer.Pending.TryTake(messageId, out var requestType))
            Report(Inbound.Ignored($"no request with message id {messageId} waits for an answer"), source);
        else
            Report(InboundDecoder.DecodeAnswer(peer.Peer.Id, requestType, FrameCopy.Copy(incoming, first: 0)), source);
    }

    private void Report(Inbound inbound, string source)
    {
        switch (inbound.Kind)
        {
            case InboundKind.PeerRequest or InboundKind.Deliver:
                _node.Tell(inbound.Message!, _self);
                break;
            case InboundKind.Ignored when _log.IsEnabled(LogLevel.Debug) && _ignoredLog.TryEnter(out var suppressed):
                BridgeLog.Ignored(_log, source, inbound.Reason!, BridgeLog.SuppressedNote(suppressed));
                break;
            case InboundKind.Invalid when _malformedLog.TryEnter(out var suppressed):
                BridgeLog.Malformed(_log, source, inbound.Error!.ToString(), BridgeLog.SuppressedNote(suppressed));
                break;
        }
    }

    private void SendQueued()
    {
        for (var i = 0; i < SendBatch && _outbox.TryDequeue(out var command); i++)
        {
            try
            {
                Execute(command);
            }
            catch (Exception e) when (IsFailure(e))
            {
                LogError(e, $"carrying out a {command.GetType().Name}");
            }
        }
    }

    private void Execute(OutboundCommand command)
    {
        switch (command)
        {
            case PeerRequestOut request:
                SendRequest(request);
                break;
            case PeerAnswerOut answer when _routes.TryGet(answer.PeerId, out var identity):
                SendOnRouter([identity, .. answer.Frames], $"an answer to peer {answer.PeerId}");
                break;
            case PeerAnswerOut answer:
                Dropped($"an answer to peer {answer.PeerId}, from which no request came");
                break;
            case ClientReplyOut reply:
                SendOnRouter(reply.Frames, "a client reply");
                break;
            case PublishOut when _pub is null:
                Dropped("a publication: there is no PUB socket (PubBindUrl is not set)");
                break;
            case PublishOut publication:
                // PUB never blocks nor refuses: a slow subscriber loses messages beyond its high-water mark.
                _pub.TrySendMultipart(publication.Frames, ZmqSendFlags.DontWait);
                break;
            case PeersOut peers:
                ApplyPeers(peers.Peers);
                break;
        }
    }

    private void SendRequest(PeerRequestOut request)
    {
        if (!_peers.TryGetValue(request.PeerId, out var peer))
            Dropped($"a request to {request.PeerId}, which is not a peer");
        // With ZMQ_IMMEDIATE a send fails while the peer is not connected, as it does when its queue is full.
        else if (!peer.Dealer.TrySendMultipart(request.Frames, ZmqSendFlags.DontWait))
            Dropped($"a request to peer {request.PeerId}: not connected, or its queue is full");
        else
            peer.Pending.Add(request.MessageId, request.RequestType);
    }

    private void SendOnRouter(ReadOnlyMemory<byte>[] frames, string what)
    {
        try
        {
            if (!_router!.TrySendMultipart(frames, ZmqSendFlags.DontWait))
                Dropped($"{what}: the connection's queue is full");
        }
        catch (ZmqException e) when (e.ErrorCode == ZmqErrorCode.HostUnreachable)
        {
            Dropped($"{what}: the connection is gone");
        }
    }

    /// <summary>Keeps a DEALER to each listed peer but this node: opens the new, closes the removed and those whose url changed.</summary>
    private void ApplyPeers(IReadOnlyList<PeerInfo> peers)
    {
        var wanted = new Dictionary<string, PeerInfo>(StringComparer.Ordinal);
        foreach (var peer in peers)
        {
            if (!string.IsNullOrEmpty(peer.Id) && peer.Id != _settings.NodeId)
                wanted.TryAdd(peer.Id, peer);
        }
        foreach (var (id, connection) in _peers.ToArray())
        {
            if (!wanted.TryGetValue(id, out var peer) || peer.Url != connection.Peer.Url)
            {
                _peers.Remove(id);
                _poller!.Remove(connection.Dealer);
                connection.Dispose();
                BridgeLog.PeerRemoved(_log, id, connection.Peer.Url);
            }
        }
        foreach (var peer in wanted.Values)
        {
            if (!_peers.ContainsKey(peer.Id))
                Open(peer);
        }
    }

    private void Open(PeerInfo peer)
    {
        ZmqSocket dealer;
        try
        {
            dealer = BridgeSockets.ConnectDealer(_context, _settings, peer.Url);
        }
        catch (Exception e) when (IsFailure(e))
        {
            // A malformed url must not cost the other peers their DEALERs.
            BridgeLog.PeerConnectFailed(_log, e, peer.Id, peer.Url);
            return;
        }
        _peers.Add(peer.Id, new PeerConnection(peer, dealer, _settings.PendingRequestsPerPeer));
        _poller!.Add(dealer, ZmqPollEvents.In);
        BridgeLog.PeerAdded(_log, peer.Id, peer.Url);
    }

    /// <summary>
    /// Whether an exception is one message's failure, logged and costing only that message, rather than the
    /// shutdown, which must reach <see cref="Loop"/> to end it.
    /// </summary>
    private bool IsFailure(Exception e) => e is not ZmqTerminatedException && !_stopRequested;

    private void Dropped(string reason)
    {
        if (_log.IsEnabled(LogLevel.Debug) && _droppedLog.TryEnter(out var suppressed))
            BridgeLog.OutboundDropped(_log, reason, BridgeLog.SuppressedNote(suppressed));
    }

    private void LogError(Exception e, string where)
    {
        if (_errorLog.TryEnter(out var suppressed))
            BridgeLog.LoopError(_log, e, where, BridgeLog.SuppressedNote(suppressed));
    }

    private void CloseAll()
    {
        try
        {
            foreach (var connection in _peers.Values)
                connection.Dispose();
            _peers.Clear();
            _pub?.Dispose();
            _router?.Dispose();
            _poller?.Dispose();
        }
        catch (Exception e)
        {
            LogError(e, "closing its sockets");
        }
    }
}
