using System.Buffers.Binary;
using System.Diagnostics;
using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

public sealed class RouterDealerTests
{
    [Fact]
    public void Router_sees_the_dealers_routing_id_frame_and_its_reply_reaches_that_dealer()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out var endpoint);
        using var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.Connect(endpoint);

        dealer.SendMultipart(Frames("request", "part two"));
        using var request = Receive(router);

        Assert.Equal(3, request.Count);
        Assert.Equal(["request", "part two"], Texts(request).Skip(1));
        router.SendMultipart([request[0], Bytes("reply"), Bytes("")]);
        using var reply = Receive(dealer);
        Assert.Equal(["reply", ""], Texts(reply));
    }

    [Fact]
    public void Routing_id_set_on_the_dealer_is_the_first_frame_the_router_sees()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out var endpoint);
        using var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.SetRoutingId(Bytes("peer-7"));
        dealer.Connect(endpoint);

        dealer.SendMultipart(Frames("hello"));
        using var message = Receive(router);

        Assert.Equal(["peer-7", "hello"], Texts(message));
        Assert.Equal(Bytes("peer-7"), dealer.GetRoutingId());
        router.SendMultipart(Frames("peer-7", "addressed by id"));
        using var reply = Receive(dealer);
        Assert.Equal(["addressed by id"], Texts(reply));
    }

    [Fact]
    public void Empty_frames_and_a_one_mebibyte_frame_survive_the_trip_both_ways()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out var endpoint);
        using var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.Connect(endpoint);
        var large = new byte[1024 * 1024];
        new Random(42).NextBytes(large);

        dealer.SendMultipart([ReadOnlyMemory<byte>.Empty, large, ReadOnlyMemory<byte>.Empty]);
        using var received = Receive(router);

        Assert.Equal(4, received.Count);
        Assert.Equal(0, received[1].Length);
        Assert.True(received[2].Span.SequenceEqual(large));
        Assert.Equal(0, received[3].Length);
        router.SendMultipart([received[0], large, ReadOnlyMemory<byte>.Empty]);
        using var echoed = Receive(dealer);
        Assert.True(echoed[0].Span.SequenceEqual(large));
        Assert.Equal(0, echoed[1].Length);
    }

    [Fact]
    public void Non_blocking_receive_returns_false_at_once_when_nothing_is_waiting()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out _);
        router.ReceiveTimeout = Timeout.InfiniteTimeSpan;
        var clock = Stopwatch.StartNew();

        var received = router.TryReceiveMultipart(out var message, ZmqReceiveFlags.DontWait);

        Assert.False(received);
        Assert.Null(message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Receive_timeout_makes_a_blocking_receive_give_up_with_false()
    {
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);
        dealer.ReceiveTimeout = TimeSpan.FromMilliseconds(200);
        var clock = Stopwatch.StartNew();

        Assert.False(dealer.TryReceiveMultipart(out _));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), Patience);
    }

    [Fact]
    public void Router_mandatory_makes_sending_to_an_unknown_identity_fail_with_EHOSTUNREACH()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out _);

        Assert.True(router.TrySendMultipart(Frames("nobody", "dropped silently")));
        router.RouterMandatory = true;
        var error = Assert.Throws<ZmqException>(() => router.TrySendMultipart(Frames("nobody", "refused")));

        Assert.Equal(ZmqErrorCode.HostUnreachable, error.ErrorCode);
        Assert.Contains("(EHOSTUNREACH)", error.Message, StringComparison.Ordinal);
        Assert.True(router.RouterMandatory);
    }

    [Fact]
    public void Non_blocking_send_returns_false_when_the_dealer_has_no_connection_and_immediate_is_on()
    {
        using var context = new ZmqContext();
        using var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.Immediate = true;
        dealer.Connect("tcp://127.0.0.1:1");

        Assert.False(dealer.TrySendMultipart(Frames("nowhere to go"), ZmqSendFlags.DontWait));
        Assert.False(dealer.TrySendFrame(Bytes("nor here"), ZmqSendFlags.DontWait));
    }

    [Fact]
    public void Single_frames_with_send_more_make_one_message()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out var endpoint);
        using var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.Connect(endpoint);

        Assert.True(dealer.TrySendFrame(Bytes("a"), ZmqSendFlags.SendMore));
        Assert.True(dealer.TrySendFrame(Bytes("b")));
        using var message = Receive(router);

        Assert.Equal(["a", "b"], Texts(message).Skip(1));
    }

    [Fact]
    public void A_hundred_thousand_small_multipart_messages_arrive_in_order_in_bounded_time()
    {
        const int Count = 100_000;
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out var endpoint);
        var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.Connect(endpoint);
        var clock = Stopwatch.StartNew();

        var sender = new Thread(() =>
        {
            dealer.TransferOwnership();
            var sequence = new byte[8];
            var frames = new ReadOnlyMemory<byte>[] { sequence, Bytes("payload") };
            for (long i = 0; i < Count; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(sequence, i);
                dealer.SendMultipart(frames);
            }
        }) { IsBackground = true };
        sender.Start();

        using var message = new ZmqMessage();
        long received = 0;
        while (received < Count && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.True(router.TryReceiveMultipart(message), $"stalled after {received} messages");
            Assert.Equal(3, message.Count);
            Assert.Equal(received, BinaryPrimitives.ReadInt64LittleEndian(message[1].Span));
            received++;
        }

        Assert.True(sender.Join(Patience));
        Assert.Equal(Count, received);
        dealer.Dispose();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Using_a_disposed_socket_throws_ObjectDisposedException()
    {
        using var context = new ZmqContext();
        var dealer = context.CreateSocket(ZmqSocketType.Dealer);
        dealer.Dispose();

        Assert.True(dealer.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => dealer.SendMultipart(Frames("x")));
        Assert.Throws<ObjectDisposedException>(() => dealer.Connect("tcp://127.0.0.1:1"));
    }
}
