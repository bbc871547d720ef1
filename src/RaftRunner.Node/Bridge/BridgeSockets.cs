using RaftRunner.ZeroMq;

namespace RaftRunner.Node.Bridge;

/// <summary>Creates the bridge's sockets with the options zmq-raft's protocol needs; called on the I/O thread, which then owns them.</summary>
internal static class BridgeSockets
{
    /// <summary>The ROUTER every peer and client talks to.</summary>
    public static ZmqSocket BindRouter(ZmqContext context, BridgeSettings settings)
    {
        var router = context.CreateSocket(ZmqSocketType.Router);
        try
        {
            // A client that reconnects with an explicit routing id while its old connection lingers would
            // otherwise be ignored silently; the newer connection is the live one.
            router.RouterHandover = true;
            // Replies to a client that has gone, or whose queue is full, then fail visibly (EHOSTUNREACH, or
            // false with DontWait) instead of vanishing, and with DontWait a send never blocks the loop.
            router.RouterMandatory = true;
            router.SendHighWatermark = settings.RouterHighWatermark;
            router.ReceiveHighWatermark = settings.RouterHighWatermark;
            router.MaxMessageSize = settings.MaxMessageSize;
            SetHeartbeats(router, settings);
            // LINGER stays 0 (zmq-raft uses 2 s): stopping must be quick, and clients resend unanswered requests.
            router.Bind(settings.RouterBindUrl);
            return router;
        }
        catch
        {
            router.Dispose();
            throw;
        }
    }

    /// <summary>A DEALER to one peer's ROUTER.</summary>
    public static ZmqSocket ConnectDealer(ZmqContext context, BridgeSettings settings, string url)
    {
        var dealer = context.CreateSocket(ZmqSocketType.Dealer);
        try
        {
            // Queue only to a live connection: a request to a peer that is down fails now rather than waiting in
            // the pipe and reaching the peer, out of date, when it returns. Raft resends anyway.
            dealer.Immediate = true;
            dealer.SendHighWatermark = settings.PeerSendHighWatermark;
            dealer.ReconnectInterval = settings.PeerReconnectInterval;
            dealer.MaxMessageSize = settings.MaxMessageSize;
            SetHeartbeats(dealer, settings);
            dealer.Connect(url);
            return dealer;
        }
        catch
        {
            dealer.Dispose();
            throw;
        }
    }

    /// <summary>The PUB of the broadcast state machine.</summary>
    public static ZmqSocket BindPub(ZmqContext context, BridgeSettings settings, string url)
    {
        var pub = context.CreateSocket(ZmqSocketType.Pub);
        try
        {
            pub.SendHighWatermark = settings.PubSendHighWatermark;
            // Subscribers send only subscriptions; nothing legitimate comes near this size.
            pub.MaxMessageSize = 64 * 1024;
            pub.Bind(url);
            return pub;
        }
        catch
        {
            pub.Dispose();
            throw;
        }
    }

    private static void SetHeartbeats(ZmqSocket socket, BridgeSettings settings)
    {
        if (settings.HeartbeatInterval <= TimeSpan.Zero)
            return;
        socket.HeartbeatInterval = settings.HeartbeatInterval;
        socket.HeartbeatTimeout = settings.HeartbeatTimeout > TimeSpan.Zero ? settings.HeartbeatTimeout : settings.HeartbeatInterval;
    }
}
