using System.Diagnostics;
using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

public sealed class LifetimeTests
{
    [Fact]
    public void Sockets_start_with_linger_zero()
    {
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);

        Assert.Equal(TimeSpan.Zero, dealer.Linger);
    }

    [Fact]
    public void Context_dispose_does_not_hang_on_unsent_messages_whether_or_not_their_socket_was_closed()
    {
        var context = new ZmqContext();
        var closed = Socket(context, ZmqSocketType.Dealer);
        var leftOpen = Socket(context, ZmqSocketType.Dealer);
        foreach (var dealer in new[] { closed, leftOpen })
        {
            dealer.Connect("tcp://127.0.0.1:1"); // nothing listens there: messages stay queued
            for (var i = 0; i < 100; i++)
                Assert.True(dealer.TrySendMultipart(Frames("unsent", $"{i}"), ZmqSendFlags.DontWait));
        }
        closed.Dispose();
        var clock = Stopwatch.StartNew();

        Assert.Null(RunOnOtherThread(context.Dispose));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.True(leftOpen.IsDisposed);
    }

    [Fact]
    public void After_context_dispose_its_sockets_and_pollers_report_termination_and_wake_is_ignored()
    {
        var context = new ZmqContext();
        var dealer = context.CreateSocket(ZmqSocketType.Dealer);
        var poller = new ZmqPoller(context);
        poller.Add(dealer, ZmqPollEvents.In);

        context.Dispose();

        Assert.Throws<ZmqTerminatedException>(() => dealer.TrySendFrame(Bytes("late")));
        Assert.Throws<ZmqTerminatedException>(() => poller.Poll(TimeSpan.Zero));
        poller.Wake();
        poller.Dispose();
        dealer.Dispose();
    }

    [Fact]
    public void A_raised_linger_delays_context_dispose_by_at_most_the_linger()
    {
        var context = new ZmqContext();
        var dealer = context.CreateSocket(ZmqSocketType.Dealer);
        dealer.Linger = TimeSpan.FromMilliseconds(300);
        dealer.Connect("tcp://127.0.0.1:1");
        Assert.True(dealer.TrySendMultipart(Frames("unsent"), ZmqSendFlags.DontWait));
        dealer.Dispose();
        var clock = Stopwatch.StartNew();

        Assert.Null(RunOnOtherThread(context.Dispose));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Context_dispose_interrupts_a_receive_blocked_on_another_thread()
    {
        var context = new ZmqContext();
        var dealer = context.CreateSocket(ZmqSocketType.Dealer); // RCVTIMEO infinite
        using var blocked = new ManualResetEventSlim();
        Exception? error = null;
        var receiver = new Thread(() =>
        {
            dealer.TransferOwnership();
            blocked.Set();
            try
            {
                dealer.TryReceiveMultipart(out _);
            }
            catch (Exception e)
            {
                error = e;
            }
        }) { IsBackground = true };
        receiver.Start();
        Assert.True(blocked.Wait(Patience));
        Thread.Sleep(200); // let it enter zmq_msg_recv

        Assert.Null(RunOnOtherThread(context.Dispose));

        Assert.True(receiver.Join(Patience));
        var terminated = Assert.IsType<ZmqTerminatedException>(error);
        Assert.Equal(ZmqErrorCode.Terminated, terminated.ErrorCode);
        Assert.True(dealer.IsDisposed);
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var context = new ZmqContext();
        var router = BoundRouter(context, out _);
        var monitor = new ZmqMonitor(router);
        var poller = new ZmqPoller(context);
        var message = new ZmqMessage();
        message.Add([1, 2, 3]);

        monitor.Dispose();
        monitor.Dispose();
        poller.Dispose();
        poller.Dispose();
        router.Dispose();
        router.Dispose();
        message.Dispose();
        message.Dispose();
        context.Dispose();
        context.Dispose();

        Assert.Empty(message);
        Assert.Throws<ObjectDisposedException>(() => context.CreateSocket(ZmqSocketType.Pair));
        poller.Wake(); // ignored once disposed
    }

    [Fact]
    public void Context_options_are_read_back()
    {
        using var context = new ZmqContext();
        context.IoThreads = 2;
        context.MaxSockets = 64;

        Assert.Equal(2, context.IoThreads);
        Assert.Equal(64, context.MaxSockets);
    }
}
