using System.Diagnostics;
using Xunit.Abstractions;
using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

/// <summary>
/// Not a benchmark harness, only a quick figure printed with the test output
/// (<c>dotnet test --logger "console;verbosity=detailed"</c>): DEALER↔ROUTER over loopback TCP.
/// </summary>
public sealed class RoundTripRateTests(ITestOutputHelper output)
{
    [Fact]
    public void Round_trip_rate_of_small_messages_over_loopback_is_reported()
    {
        using var context = new ZmqContext();
        using var router = BoundRouter(context, out var endpoint);
        using var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.Connect(endpoint);
        using var atRouter = new ZmqMessage();
        using var atDealer = new ZmqMessage();
        var request = Frames("request-id", "0123456789abcdef");
        var reply = new ReadOnlyMemory<byte>[3];

        void RoundTrip()
        {
            dealer.SendMultipart(request);
            Assert.True(router.TryReceiveMultipart(atRouter));
            reply[0] = atRouter[0];
            reply[1] = atRouter[1];
            reply[2] = atRouter[2];
            router.SendMultipart(reply);
            Assert.True(dealer.TryReceiveMultipart(atDealer));
        }

        for (var i = 0; i < 1_000; i++)
            RoundTrip();
        var clock = Stopwatch.StartNew();
        var trips = 0;
        while (trips < 200_000 && clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            RoundTrip();
            trips++;
        }
        clock.Stop();

        // Pipelined: the dealer keeps up to 100 requests in flight, the router answers as they come, and
        // both wait in one poll when neither has anything to do, as the bridge's I/O loop will.
        const int Pipelined = 50_000;
        using var poller = new ZmqPoller(context);
        poller.Add(router, ZmqPollEvents.In);
        poller.Add(dealer, ZmqPollEvents.In);
        var pipeline = Stopwatch.StartNew();
        int sent = 0, replies = 0;
        for (var steps = 0; replies < Pipelined && steps < 10 * Pipelined && pipeline.Elapsed < TimeSpan.FromSeconds(20); steps++)
        {
            while (sent < Pipelined && sent - replies < 100 && dealer.TrySendMultipart(request, ZmqSendFlags.DontWait))
                sent++;
            poller.Poll(Patience);
            while (router.TryReceiveMultipart(atRouter, ZmqReceiveFlags.DontWait))
            {
                reply[0] = atRouter[0];
                reply[1] = atRouter[1];
                reply[2] = atRouter[2];
                router.SendMultipart(reply);
            }
            while (dealer.TryReceiveMultipart(atDealer, ZmqReceiveFlags.DontWait))
                replies++;
        }
        pipeline.Stop();

        output.WriteLine($"ping-pong: {trips} round trips in {clock.Elapsed.TotalMilliseconds:F0} ms = " +
            $"{trips / clock.Elapsed.TotalSeconds:F0}/s, {clock.Elapsed.TotalMicroseconds / trips:F1} µs each");
        output.WriteLine($"pipelined (100 in flight): {replies} round trips in {pipeline.Elapsed.TotalMilliseconds:F0} ms = " +
            $"{replies / pipeline.Elapsed.TotalSeconds:F0}/s");
        Assert.True(trips > 0);
        Assert.Equal(Pipelined, replies);
    }
}
