using RaftRunner.ZeroMq.Native;
using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

/// <summary>libzmq rejects an option value of the wrong C type (int, int64, bytes) with EINVAL, so reading every option back also checks the types.</summary>
public sealed class OptionTests
{
    [Fact]
    public void Dealer_options_are_read_back_as_set()
    {
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);

        dealer.Linger = TimeSpan.FromMilliseconds(250);
        dealer.SendHighWatermark = 1234;
        dealer.ReceiveHighWatermark = 4321;
        dealer.SendTimeout = TimeSpan.FromMilliseconds(1500);
        dealer.ReceiveTimeout = Timeout.InfiniteTimeSpan;
        dealer.TcpKeepalive = true;
        dealer.TcpKeepaliveIdleSeconds = 30;
        dealer.TcpKeepaliveIntervalSeconds = 5;
        dealer.TcpKeepaliveCount = 3;
        dealer.IPv6 = true;
        dealer.ReconnectInterval = TimeSpan.FromMilliseconds(50);
        dealer.ReconnectIntervalMax = TimeSpan.FromSeconds(2);
        dealer.HeartbeatInterval = TimeSpan.FromSeconds(1);
        dealer.HeartbeatTtl = TimeSpan.FromSeconds(3);
        dealer.HeartbeatTimeout = TimeSpan.FromSeconds(2);
        dealer.MaxMessageSize = 5L * 1024 * 1024 * 1024;
        dealer.Immediate = true;
        dealer.ZapDomain = "raft";

        Assert.Equal(TimeSpan.FromMilliseconds(250), dealer.Linger);
        Assert.Equal(1234, dealer.SendHighWatermark);
        Assert.Equal(4321, dealer.ReceiveHighWatermark);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), dealer.SendTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, dealer.ReceiveTimeout);
        Assert.True(dealer.TcpKeepalive);
        Assert.Equal(30, dealer.TcpKeepaliveIdleSeconds);
        Assert.Equal(5, dealer.TcpKeepaliveIntervalSeconds);
        Assert.Equal(3, dealer.TcpKeepaliveCount);
        Assert.True(dealer.IPv6);
        Assert.Equal(TimeSpan.FromMilliseconds(50), dealer.ReconnectInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), dealer.ReconnectIntervalMax);
        Assert.Equal(TimeSpan.FromSeconds(1), dealer.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), dealer.HeartbeatTtl);
        Assert.Equal(TimeSpan.FromSeconds(2), dealer.HeartbeatTimeout);
        Assert.Equal(5L * 1024 * 1024 * 1024, dealer.MaxMessageSize);
        Assert.True(dealer.Immediate);
        Assert.Equal("raft", dealer.ZapDomain);
        Assert.Equal((int)ZmqSocketType.Dealer, dealer.GetInt32(ZmqOption.ZMQ_TYPE));

        dealer.TcpKeepalive = null;
        Assert.Null(dealer.TcpKeepalive);
    }

    [Fact]
    public void Read_only_options_describe_a_fresh_socket()
    {
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);

        Assert.False(dealer.ReceiveMore);
        Assert.Equal(ZmqPollEvents.None, dealer.Events & ZmqPollEvents.In);
        Assert.True(dealer.FileDescriptor > 0);
        Assert.Equal("", dealer.LastEndpoint);
        Assert.Equal(-1, dealer.MaxMessageSize);
        Assert.Equal(ZmqSocketType.Dealer, dealer.Type);
    }

    [Fact]
    public void Router_sub_and_curve_server_options_are_accepted()
    {
        using var context = new ZmqContext();
        using var router = context.CreateSocket(ZmqSocketType.Router);
        using var subscriber = context.CreateSocket(ZmqSocketType.Sub);

        router.RouterMandatory = true;
        router.RouterHandover = true;
        router.CurveServer = true;
        subscriber.Subscribe("a");
        subscriber.Subscribe([0x01, 0x02]);
        subscriber.Unsubscribe("a");

        Assert.True(router.RouterMandatory);
        Assert.True(router.RouterHandover);
        Assert.True(router.CurveServer);
    }

    [Fact]
    public void Durations_outside_what_libzmq_can_hold_are_rejected_before_the_call()
    {
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);

        Assert.Throws<ArgumentOutOfRangeException>(() => dealer.Linger = TimeSpan.FromMilliseconds(-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => dealer.ReceiveTimeout = TimeSpan.FromDays(30));
    }
}
