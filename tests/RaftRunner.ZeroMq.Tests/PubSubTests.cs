using System.Diagnostics;
using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

public sealed class PubSubTests
{
    [Fact]
    public void Subscriber_receives_only_messages_whose_first_frame_starts_with_its_prefix()
    {
        using var context = new ZmqContext();
        using var publisher = Socket(context, ZmqSocketType.Pub);
        publisher.Bind(AnyLoopbackPort);
        using var subscriber = Socket(context, ZmqSocketType.Sub);
        subscriber.Subscribe("raft.");
        subscriber.Connect(publisher.LastEndpoint);
        subscriber.ReceiveTimeout = TimeSpan.FromMilliseconds(50);

        // A subscription reaches the publisher some time after connect; until then PUB drops everything.
        var clock = Stopwatch.StartNew();
        var joined = false;
        for (var i = 0; i < 200 && !joined && clock.Elapsed < Patience; i++)
        {
            publisher.SendMultipart(Frames("raft.probe"));
            joined = subscriber.TryReceiveMultipart(out var probe);
            probe?.Dispose();
        }
        Assert.True(joined, "the subscription never took effect");
        while (subscriber.TryReceiveMultipart(out var late, ZmqReceiveFlags.DontWait))
            late.Dispose();

        publisher.SendMultipart(Frames("other.topic", "filtered out"));
        publisher.SendMultipart(Frames("raft.state", "leader", "3"));
        publisher.SendMultipart(Frames("raf", "too short"));
        publisher.SendMultipart(Frames("raft.", "exact prefix"));
        subscriber.ReceiveTimeout = Patience;

        using var first = Receive(subscriber);
        using var second = Receive(subscriber);
        Assert.Equal(["raft.state", "leader", "3"], Texts(first));
        Assert.Equal(["raft.", "exact prefix"], Texts(second));
        Assert.False(subscriber.TryReceiveMultipart(out _, ZmqReceiveFlags.DontWait));
    }
}
