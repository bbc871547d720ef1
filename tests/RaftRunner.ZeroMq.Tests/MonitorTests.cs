using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

public sealed class MonitorTests
{
    [Fact]
    public void Monitors_see_listening_accepted_connected_and_handshake_succeeded()
    {
        using var context = new ZmqContext();
        using var router = Socket(context, ZmqSocketType.Router);
        using var dealer = Socket(context, ZmqSocketType.Dealer);
        using var routerMonitor = new ZmqMonitor(router);
        using var dealerMonitor = new ZmqMonitor(dealer);

        router.Bind(AnyLoopbackPort);
        var endpoint = router.LastEndpoint;
        dealer.Connect(endpoint);

        var routerEvents = CollectUntil(routerMonitor,
            ZmqMonitorEvents.Listening, ZmqMonitorEvents.Accepted, ZmqMonitorEvents.HandshakeSucceeded);
        var dealerEvents = CollectUntil(dealerMonitor,
            ZmqMonitorEvents.Connected, ZmqMonitorEvents.HandshakeSucceeded);

        Assert.Contains(routerEvents, e => e.Event == ZmqMonitorEvents.Listening && e.Endpoint == endpoint);
        Assert.Contains(routerEvents, e => e.Event == ZmqMonitorEvents.Accepted);
        Assert.Contains(routerEvents, e => e.Event == ZmqMonitorEvents.HandshakeSucceeded);
        Assert.Contains(dealerEvents, e => e.Event == ZmqMonitorEvents.Connected && e.Endpoint == endpoint);
        Assert.Contains(dealerEvents, e => e.Event == ZmqMonitorEvents.HandshakeSucceeded);
    }

    [Fact]
    public void Closing_the_peer_shows_as_disconnected()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out var endpoint);
        using var monitor = new ZmqMonitor(router, ZmqMonitorEvents.HandshakeSucceeded | ZmqMonitorEvents.Disconnected);
        var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.Connect(endpoint);
        Assert.Contains(CollectUntil(monitor, ZmqMonitorEvents.HandshakeSucceeded), e => e.Event == ZmqMonitorEvents.HandshakeSucceeded);

        dealer.Dispose();

        Assert.Contains(CollectUntil(monitor, ZmqMonitorEvents.Disconnected), e => e.Event == ZmqMonitorEvents.Disconnected);
    }

    [Fact]
    public void Decode_reads_the_event_id_value_and_endpoint()
    {
        var head = new byte[6];
        BitConverter.TryWriteBytes(head.AsSpan(0, 2), (ushort)ZmqMonitorEvents.Accepted);
        BitConverter.TryWriteBytes(head.AsSpan(2, 4), 17u);

        var decoded = ZmqMonitor.Decode([head, Bytes("tcp://127.0.0.1:5555")]);

        Assert.Equal(new ZmqMonitorEvent(ZmqMonitorEvents.Accepted, 17, "tcp://127.0.0.1:5555"), decoded);
        Assert.Throws<FormatException>(() => ZmqMonitor.Decode([head]));
    }
}
