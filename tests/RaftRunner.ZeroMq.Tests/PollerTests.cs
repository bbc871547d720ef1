using System.Diagnostics;
using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

public sealed class PollerTests
{
    [Fact]
    public void Poll_reports_which_of_three_sockets_have_a_message()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out var endpoint);
        using var first = Socket(context, ZmqSocketType.Dealer);
        using var second = Socket(context, ZmqSocketType.Dealer);
        first.SetRoutingId(Bytes("first"));
        second.SetRoutingId(Bytes("second"));
        first.Connect(endpoint);
        second.Connect(endpoint);
        using var poller = new ZmqPoller(context);
        var routerIndex = poller.Add(router, ZmqPollEvents.In);
        var firstIndex = poller.Add(first, ZmqPollEvents.In);
        var secondIndex = poller.Add(second, ZmqPollEvents.In);

        Assert.Equal(0, poller.Poll(TimeSpan.FromMilliseconds(20)));

        first.SendMultipart(Frames("to router"));
        Assert.Equal(1, poller.Poll(Patience));
        Assert.Equal(ZmqPollEvents.In, poller.ReturnedEvents(routerIndex));
        Assert.Equal(ZmqPollEvents.None, poller.ReturnedEvents(firstIndex));
        Assert.Equal(ZmqPollEvents.None, poller.ReturnedEvents(secondIndex));
        Assert.False(poller.Woken);
        Receive(router).Dispose();

        router.SendMultipart(Frames("second", "to second"));
        Assert.Equal(1, poller.Poll(Patience));
        Assert.Equal(ZmqPollEvents.In, poller.ReturnedEvents(secondIndex));
        Assert.Equal(ZmqPollEvents.None, poller.ReturnedEvents(routerIndex));
        using var toSecond = Receive(second);
        Assert.Equal(["to second"], Texts(toSecond));
    }

    [Fact]
    public void Wake_from_another_thread_interrupts_an_infinite_poll()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out _);
        using var poller = new ZmqPoller(context);
        poller.Add(router, ZmqPollEvents.In);
        // Should the wake-up be lost, disposing the context ends the poll (with an exception) instead of hanging.
        using var watchdog = new Timer(_ => context.Dispose(), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        var waker = StartThread(() =>
        {
            Thread.Sleep(100);
            poller.Wake();
        }, out _);
        var clock = Stopwatch.StartNew();

        var ready = poller.Poll(Timeout.InfiniteTimeSpan);

        Assert.Equal(0, ready);
        Assert.True(poller.Woken);
        Assert.True(clock.Elapsed < Patience, $"took {clock.Elapsed}");
        Assert.True(waker.Join(Patience));
    }

    [Fact]
    public void A_wake_before_poll_returns_the_next_poll_at_once_and_a_burst_of_wakes_counts_once()
    {
        using var context = new ZmqContext();
        using var poller = new ZmqPoller(context);

        for (var i = 0; i < 10_000; i++)
            poller.Wake();
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, poller.Poll(Patience));
        Assert.True(poller.Woken);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1));

        Assert.Equal(0, poller.Poll(TimeSpan.FromMilliseconds(20)));
        Assert.False(poller.Woken);

        poller.Wake();
        poller.Poll(Patience);
        Assert.True(poller.Woken);
    }

    [Fact]
    public void Wakes_racing_with_polls_are_never_lost()
    {
        const int Rounds = 2_000;
        using var context = new ZmqContext();
        using var poller = new ZmqPoller(context);
        var queued = 0;
        var handled = 0;
        // The producer queues one item, wakes the poller and waits until it is handled: a lost wake-up
        // shows as a poll that times out instead of being woken.
        var producer = StartThread(() =>
        {
            var deadline = Stopwatch.StartNew();
            for (var i = 1; i <= Rounds && deadline.Elapsed < TimeSpan.FromSeconds(20); i++)
            {
                Volatile.Write(ref queued, i);
                poller.Wake();
                while (Volatile.Read(ref handled) < i && deadline.Elapsed < TimeSpan.FromSeconds(20))
                    Thread.SpinWait(20);
            }
        }, out var producerError);

        var timeouts = 0;
        var clock = Stopwatch.StartNew();
        for (var polls = 0; Volatile.Read(ref handled) < Rounds && polls < 10 * Rounds && clock.Elapsed < TimeSpan.FromSeconds(20); polls++)
        {
            poller.Poll(TimeSpan.FromSeconds(2));
            if (!poller.Woken && Volatile.Read(ref queued) > Volatile.Read(ref handled))
                timeouts++;
            Volatile.Write(ref handled, Volatile.Read(ref queued));
        }

        Assert.Equal(Rounds, handled);
        Assert.Equal(0, timeouts);
        Assert.True(producer.Join(Patience));
        Assert.Null(producerError());
    }

    [Fact]
    public void Removing_a_socket_shifts_later_indexes()
    {
        using var context = new ZmqContext();
        using var a = context.CreateSocket(ZmqSocketType.Dealer);
        using var b = context.CreateSocket(ZmqSocketType.Dealer);
        using var poller = new ZmqPoller(context);
        poller.Add(a, ZmqPollEvents.In);
        poller.Add(b, ZmqPollEvents.In);

        Assert.True(poller.Remove(a));

        Assert.False(poller.Remove(a));
        Assert.Equal(1, poller.Count);
        Assert.Equal(0, poller.IndexOf(b));
        Assert.Throws<ArgumentException>(() => poller.Add(b, ZmqPollEvents.In));
    }
}
