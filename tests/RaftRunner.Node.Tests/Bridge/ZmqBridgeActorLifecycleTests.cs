using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RaftRunner.Actors;
using RaftRunner.Actors.TestKit;
using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.ZeroMq;
using Xunit.Abstractions;
using static RaftRunner.Node.Tests.Bridge.BridgeTesting;

namespace RaftRunner.Node.Tests.Bridge;

/// <summary>The PUB socket, and the bridge's start and stop.</summary>
public sealed class ZmqBridgeActorLifecycleTests(ITestOutputHelper output) : TestKit(output: output)
{
    [Fact]
    public void Publish_reaches_a_SUB_socket()
    {
        using var context = new ZmqContext();
        var pubPort = FreePort();
        var bridge = Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", FreePort()) with { PubBindUrl = Url(pubPort) }, CreateTestProbe()));
        using var sub = Socket(context, ZmqSocketType.Sub);
        sub.Subscribe(Secret);
        sub.Connect(Url(pubPort));

        var broadcast = new StateBroadcast(3, 12, [LogEntry.Create(RequestId.New(), LogEntryType.State, 3, [7, 7])]).Encode(Secret);
        // A subscription reaches the PUB some time after connecting; what is published before is lost.
        var received = SendUntilReceived(sub, () => bridge.Tell(new Publish(broadcast)));
        AssertFrames(broadcast, received);
    }

    [Fact]
    public void Publish_without_a_PUB_socket_is_dropped()
    {
        using var context = new ZmqContext();
        var port = FreePort();
        var probe = CreateTestProbe();
        var bridge = Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", port), probe));
        bridge.Tell(new Publish([Secret]));

        using var client = DealerTo(context, port);
        client.SendMultipart(new RequestConfigRequest(1).Encode(Secret));
        probe.ExpectMsg<ClientRequestReceived>(Patience);
    }

    [Fact]
    public void Stopping_closes_every_socket_and_ends_the_IO_thread_within_two_seconds()
    {
        using var context = new ZmqContext();
        var (port, pubPort) = (FreePort(), FreePort());
        using var threadSeen = new ManualResetEventSlim();
        Thread? thread = null;
        var probe = CreateTestProbe();
        var settings = Settings("A", port, new PeerInfo("B", Url(FreePort()))) with { PubBindUrl = Url(pubPort) };
        var bridge = Sys.ActorOf(ZmqBridgeActor.Props(settings, probe, t =>
        {
            thread = t;
            threadSeen.Set();
        }));
        using (var client = DealerTo(context, port))
        {
            client.SendMultipart(new RequestConfigRequest(1).Encode(Secret));
            probe.ExpectMsg<ClientRequestReceived>(Patience);
        }
        Assert.True(threadSeen.Wait(Patience));
        Assert.Equal("zmq-bridge A", thread!.Name);
        Assert.True(thread.IsBackground);

        Watch(bridge);
        var clock = Stopwatch.StartNew();
        Sys.Stop(bridge);
        ExpectTerminated(bridge, TimeSpan.FromSeconds(2));
        Assert.True(thread.Join(TimeSpan.FromSeconds(2) - clock.Elapsed), "the I/O thread is still running");

        AssertPortIsFree(context, port);
        AssertPortIsFree(context, pubPort);
    }

    [Fact]
    public void A_bridge_whose_port_is_taken_fails_to_start_and_stops()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        Thread? thread = null;

        var bridge = Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", port), CreateTestProbe(), t => thread = t));
        Watch(bridge);
        ExpectTerminated(bridge, Patience);
        Assert.NotNull(thread);
        Assert.True(thread!.Join(Patience));
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused_by_Props()
    {
        var probe = CreateTestProbe();
        Assert.Throws<ArgumentException>(() => ZmqBridgeActor.Props(Settings("", 1), probe));
        Assert.Throws<ArgumentException>(() => ZmqBridgeActor.Props(Settings("A", 1) with { RouterBindUrl = "" }, probe));
        Assert.Throws<ArgumentException>(() => ZmqBridgeActor.Props(Settings("A", 1) with { PeerSendHighWatermark = 0 }, probe));
        Assert.Throws<ArgumentException>(() => ZmqBridgeActor.Props(Settings("A", 1) with { MaxMessageSize = 0 }, probe));
        Assert.Throws<ArgumentException>(() => ZmqBridgeActor.Props(Settings("A", 1) with { PubBindUrl = "" }, probe));
    }

    // libzmq binds with SO_REUSEADDR, as the bridge's own sockets do, so connections in TIME_WAIT do not count.
    private static void AssertPortIsFree(ZmqContext context, int port)
    {
        using var socket = context.CreateSocket(ZmqSocketType.Router);
        socket.Bind(Url(port));
    }
}
