using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RaftRunner.ZeroMq;

namespace RaftRunner.Client.Io;

/// <summary>
/// The client's one I/O thread. It creates and owns every socket — a DEALER per peer url, a SUB per subscription —
/// and nothing else touches them: callers on any thread queue <see cref="IoCommand"/>s and wake the poller, answers
/// come back through each <see cref="Exchange"/>'s and <see cref="Subscription"/>'s channel.
/// </summary>
/// <remarks>
/// DEALERs are created with ZMQ_IMMEDIATE, so a message for a peer that is not connected is not queued inside libzmq
/// (where it would be delivered, stale, whenever the peer came back): it waits here and is retried every few
/// milliseconds until it goes out or its exchange is closed (then it gets one last try). Answers are matched by peer and request id; an answer
/// nobody waits for any more is dropped.
/// </remarks>
internal sealed class ClientIo : IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(5);
    private const int DrainLimit = 1000;

    private readonly ZmqContext _context;
    private readonly ZmqPoller _poller;
    private readonly ConcurrentQueue<IoCommand> _commands = new();
    private readonly Thread _thread;
    private readonly ILogger _log;
    private volatile bool _stopping;
    private int _disposed;

    // Owned by the I/O thread.
    private readonly Dictionary<string, PeerSocket> _peers = new(StringComparer.Ordinal);
    private readonly List<(ZmqSocket Socket, object Owner)> _polled = [];
    private readonly Dictionary<Subscription, ZmqSocket> _subscriptions = [];

    public ClientIo(ILogger log)
    {
        _log = log;
        _context = new ZmqContext();
        try
        {
            _poller = new ZmqPoller(_context);
        }
        catch
        {
            _context.Dispose();
            throw;
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "RaftClient I/O" };
        _thread.Start();
    }

    /// <summary>Registers a request id at a peer and sends the first message; answers arrive through the exchange.</summary>
    public Exchange Open(string url, WireKey key, ReadOnlyMemory<byte>[] frames)
    {
        var exchange = new Exchange(this, url, key);
        Post(new IoCommand.Open(exchange, frames));
        return exchange;
    }

    /// <summary>A SUB socket subscribed to <paramref name="prefix"/>, not connected yet.</summary>
    public Subscription Subscribe(byte[] prefix)
    {
        var subscription = new Subscription(this, prefix);
        Post(new IoCommand.OpenSubscription(subscription));
        return subscription;
    }

    internal void Post(IoCommand command)
    {
        if (_stopping)
        {
            Abandon(command);
            return;
        }
        _commands.Enqueue(command);
        _poller.Wake();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stopping = true;
        _poller.Wake();
        if (Thread.CurrentThread != _thread && !_thread.Join(TimeSpan.FromSeconds(5)))
            ClientLog.IoThreadStuck(_log);
        // Ends a loop that did not stop (its calls throw ZmqTerminatedException) and closes what is left.
        _context.Dispose();
        while (_commands.TryDequeue(out var command))
            Abandon(command);
    }

    private void Run()
    {
        using var incoming = new ZmqMessage();
        try
        {
            while (!_stopping)
            {
                RunCommands();
                var waiting = FlushUnsent();
                _poller.Poll(waiting ? RetryInterval : Timeout.InfiniteTimeSpan);
                for (var i = 0; i < _polled.Count; i++)
                {
                    if ((_poller.ReturnedEvents(i) & ZmqPollEvents.In) != 0)
                        Drain(_polled[i].Socket, _polled[i].Owner, incoming);
                }
            }
        }
        catch (ZmqTerminatedException)
        {
            // the context was disposed: the client is going away
        }
        catch (Exception e)
        {
            ClientLog.IoLoopFailed(_log, e);
        }
        finally
        {
            _stopping = true;
            CloseEverything();
        }
    }

    private void RunCommands()
    {
        while (_commands.TryDequeue(out var command))
        {
            switch (command)
            {
                case IoCommand.Open open:
                    var peer = PeerAt(open.Exchange.Url);
                    if (!peer.Exchanges.TryGetValue(open.Exchange.Key, out var list))
                        peer.Exchanges[open.Exchange.Key] = list = [];
                    list.Add(open.Exchange);
                    peer.Unsent.Enqueue((open.Exchange, open.Frames));
                    break;
                case IoCommand.Send send when !send.Exchange.Closed && _peers.TryGetValue(send.Exchange.Url, out var target):
                    target.Unsent.Enqueue((send.Exchange, send.Frames));
                    break;
                case IoCommand.Close close:
                    close.Exchange.Closed = true;
                    if (_peers.TryGetValue(close.Exchange.Url, out var owner) && owner.Exchanges.TryGetValue(close.Exchange.Key, out var registered))
                    {
                        registered.Remove(close.Exchange);
                        if (registered.Count == 0)
                            owner.Exchanges.Remove(close.Exchange.Key);
                    }
                    break;
                case IoCommand.OpenSubscription open:
                    var sub = _context.CreateSocket(ZmqSocketType.Sub);
                    sub.Subscribe(open.Subscription.Prefix);
                    _subscriptions[open.Subscription] = sub;
                    _poller.Add(sub, ZmqPollEvents.In);
                    _polled.Add((sub, open.Subscription));
                    break;
                case IoCommand.ConnectSubscription connect when _subscriptions.TryGetValue(connect.Subscription, out var socket):
                    Reconnect(connect.Subscription, socket, connect.Url);
                    break;
                case IoCommand.CloseSubscription close when _subscriptions.Remove(close.Subscription, out var socket):
                    _poller.Remove(socket);
                    _polled.RemoveAll(p => p.Socket == socket);
                    socket.Dispose();
                    close.Subscription.Broadcasts.TryComplete();
                    break;
            }
        }
    }

    private PeerSocket PeerAt(string url)
    {
        if (_peers.TryGetValue(url, out var peer))
            return peer;
        ZmqSocket? socket = _context.CreateSocket(ZmqSocketType.Dealer);
        try
        {
            socket.Immediate = true;
            socket.Connect(url);
            _poller.Add(socket, ZmqPollEvents.In);
        }
        catch (ZmqException e)
        {
            // A url libzmq cannot connect to: the peer stays silent and every request to it times out.
            ClientLog.ConnectFailed(_log, e, url);
            socket.Dispose();
            socket = null;
        }
        peer = new PeerSocket(url, socket);
        _peers[url] = peer;
        if (socket is not null)
            _polled.Add((socket, peer));
        return peer;
    }

    private void Reconnect(Subscription subscription, ZmqSocket socket, string url)
    {
        if (subscription.ConnectedUrl == url)
            return;
        if (subscription.ConnectedUrl is { } old)
        {
            try
            {
                socket.Disconnect(old);
            }
            catch (ZmqException)
            {
                // not connected any more: nothing to leave
            }
        }
        subscription.ConnectedUrl = null;
        try
        {
            socket.Connect(url);
            subscription.ConnectedUrl = url;
        }
        catch (ZmqException e)
        {
            ClientLog.ConnectFailed(_log, e, url);
        }
    }

    /// <summary>Sends what waits for each peer, oldest first; true when something could not go out yet.</summary>
    private bool FlushUnsent()
    {
        var waiting = false;
        foreach (var peer in _peers.Values)
        {
            while (peer.Unsent.TryPeek(out var item))
            {
                if (peer.Socket is null)
                {
                    peer.Unsent.Dequeue();
                    continue;
                }
                if (item.Exchange.Closed)
                {
                    // One try for what a closed exchange left (a RequestEntries stop): gone if the peer is not there.
                    peer.Unsent.Dequeue();
                    peer.Socket.TrySendMultipart(item.Frames, ZmqSendFlags.DontWait);
                    continue;
                }
                if (!peer.Socket.TrySendMultipart(item.Frames, ZmqSendFlags.DontWait))
                {
                    waiting = true;
                    break;
                }
                peer.Unsent.Dequeue();
            }
        }
        return waiting;
    }

    private void Drain(ZmqSocket socket, object owner, ZmqMessage incoming)
    {
        for (var n = 0; n < DrainLimit && socket.TryReceiveMultipart(incoming, ZmqReceiveFlags.DontWait); n++)
        {
            if (owner is Subscription subscription)
            {
                if (!subscription.Broadcasts.TryWrite(Copy(incoming)))
                    ClientLog.BroadcastDropped(_log);
                continue;
            }
            var peer = (PeerSocket)owner;
            if (incoming.Count == 0 || !WireKey.TryRead(incoming[0].Span, out var key) || !peer.Exchanges.TryGetValue(key, out var exchanges))
            {
                ClientLog.UnmatchedAnswer(_log, peer.Url, incoming.Count == 0 ? "(empty)" : Convert.ToHexString(incoming[0].Span));
                continue;
            }
            var frames = Copy(incoming);
            foreach (var exchange in exchanges)
                exchange.Answers.TryWrite(frames);
        }
    }

    private static ReadOnlyMemory<byte>[] Copy(ZmqMessage message)
    {
        var frames = new ReadOnlyMemory<byte>[message.Count];
        for (var i = 0; i < frames.Length; i++)
            frames[i] = message[i].ToArray();
        return frames;
    }

    private void CloseEverything()
    {
        foreach (var peer in _peers.Values)
        {
            peer.Socket?.Dispose();
            foreach (var exchange in peer.Exchanges.Values.SelectMany(e => e))
                exchange.Answers.TryComplete();
        }
        _peers.Clear();
        foreach (var (subscription, socket) in _subscriptions)
        {
            socket.Dispose();
            subscription.Broadcasts.TryComplete();
        }
        _subscriptions.Clear();
        _polled.Clear();
        _poller.Dispose();
        while (_commands.TryDequeue(out var command))
            Abandon(command);
    }

    /// <summary>A command that arrives when the loop is gone: whoever waits on it is told at once.</summary>
    private static void Abandon(IoCommand command)
    {
        switch (command)
        {
            case IoCommand.Open open:
                open.Exchange.Answers.TryComplete();
                break;
            case IoCommand.OpenSubscription open:
                open.Subscription.Broadcasts.TryComplete();
                break;
        }
    }

    private sealed class PeerSocket(string url, ZmqSocket? socket)
    {
        public string Url { get; } = url;

        /// <summary>Null when libzmq refused the url.</summary>
        public ZmqSocket? Socket { get; } = socket;

        public Dictionary<WireKey, List<Exchange>> Exchanges { get; } = [];

        public Queue<(Exchange Exchange, ReadOnlyMemory<byte>[] Frames)> Unsent { get; } = new();
    }
}
