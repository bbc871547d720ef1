using RaftRunner.ZeroMq.Native;
using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

public sealed class ThreadAffinityTests
{
    public ThreadAffinityTests() => ThreadAffinity.Enabled = true; // as RAFTRUNNER_ZMQ_CHECK_THREADS=1 does

    [Fact]
    public void Using_a_socket_from_a_second_thread_throws_naming_both_threads()
    {
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);
        var owner = Environment.CurrentManagedThreadId;
        var intruder = 0;

        var error = RunOnOtherThread(() =>
        {
            intruder = Environment.CurrentManagedThreadId;
            dealer.Connect("tcp://127.0.0.1:1");
        });

        var misuse = Assert.IsType<InvalidOperationException>(error);
        Assert.StartsWith($"ZmqSocket used from thread {intruder} but owned by thread {owner}", misuse.Message, StringComparison.Ordinal);
        Assert.Equal(owner, dealer.OwnerThreadId);
    }

    [Fact]
    public void TransferOwnership_hands_the_socket_to_the_calling_thread()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out var endpoint);
        var dealer = Socket(context, ZmqSocketType.Dealer);

        var error = RunOnOtherThread(() =>
        {
            dealer.TransferOwnership();
            dealer.Connect(endpoint);
            dealer.SendMultipart(Frames("from the new owner"));
        });

        Assert.Null(error);
        Assert.Throws<InvalidOperationException>(() => dealer.SendMultipart(Frames("from the old owner")));
        using var message = Receive(router);
        Assert.Equal("from the new owner", Text(message[1]));
        dealer.TransferOwnership();
        dealer.SendMultipart(Frames("owned again"));
        dealer.Dispose();
    }

    [Fact]
    public void Polling_a_socket_from_a_thread_that_does_not_own_it_throws()
    {
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);
        using var poller = new ZmqPoller(context);
        poller.Add(dealer, ZmqPollEvents.In);

        var error = RunOnOtherThread(() => poller.Poll(TimeSpan.Zero));

        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void Dispose_is_allowed_from_any_thread()
    {
        using var context = new ZmqContext();
        var dealer = context.CreateSocket(ZmqSocketType.Dealer);

        Assert.Null(RunOnOtherThread(dealer.Dispose));

        Assert.True(dealer.IsDisposed);
    }
}
