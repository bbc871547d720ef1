using RaftRunner.Node.Bridge;

namespace RaftRunner.Node.Tests.Bridge;

public sealed class BoundedMapTests
{
    [Fact]
    public void Pending_types_are_forgotten_once_answered()
    {
        var pending = new PendingRequestTypes(4);
        pending.Add(1, (byte)'?');
        Assert.True(pending.TryTake(1, out var type));
        Assert.Equal((byte)'?', type);
        Assert.False(pending.TryTake(1, out _));
    }

    [Fact]
    public void A_resend_with_the_same_id_replaces_the_entry()
    {
        var pending = new PendingRequestTypes(2);
        pending.Add(1, (byte)'+');
        pending.Add(1, (byte)'$');
        Assert.Equal(1, pending.Count);
        Assert.True(pending.TryTake(1, out var type));
        Assert.Equal((byte)'$', type);
    }

    [Fact]
    public void Beyond_the_capacity_the_oldest_pending_request_is_forgotten()
    {
        var pending = new PendingRequestTypes(3);
        for (uint id = 1; id <= 1000; id++)
            pending.Add(id, (byte)'+');
        Assert.Equal(3, pending.Count);
        Assert.False(pending.TryTake(997, out _));
        Assert.True(pending.TryTake(998, out _));
        Assert.True(pending.TryTake(1000, out _));
    }

    [Fact]
    public void Routes_keep_the_latest_identity_and_evict_the_least_recently_heard_peer()
    {
        var routes = new PeerRoutes(2);
        routes.Remember("A", new byte[] { 1 });
        routes.Remember("B", new byte[] { 2 });
        routes.Remember("A", new byte[] { 3 });   // A reconnected, and is now the most recent
        routes.Remember("C", new byte[] { 4 });   // evicts B

        Assert.True(routes.TryGet("A", out var a));
        Assert.Equal(3, a.Span[0]);
        Assert.False(routes.TryGet("B", out _));
        Assert.True(routes.TryGet("C", out _));
        Assert.Equal(2, routes.Count);
    }

    [Fact]
    public void The_log_throttle_lets_a_burst_through_per_window_and_counts_the_rest()
    {
        long now = 0;
        var throttle = new LogThrottle(2, TimeSpan.FromSeconds(10), () => now);
        Assert.True(throttle.TryEnter(out var suppressed));
        Assert.Equal(0, suppressed);
        Assert.True(throttle.TryEnter(out _));
        for (var i = 0; i < 5; i++)
            Assert.False(throttle.TryEnter(out _));

        now = 9_999;
        Assert.False(throttle.TryEnter(out _));
        now = 10_000;
        Assert.True(throttle.TryEnter(out suppressed));
        Assert.Equal(6, suppressed);
        Assert.True(throttle.TryEnter(out suppressed));
        Assert.Equal(0, suppressed);
    }
}
