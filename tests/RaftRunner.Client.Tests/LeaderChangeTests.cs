using RaftRunner.Client.Tests.Testing;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;

namespace RaftRunner.Client.Tests;

/// <summary>RaftClient while RaftRunner leaders stop and come back: retries with the same request id, subscriptions.</summary>
public sealed class LeaderChangeTests
{
    [Fact]
    public async Task An_update_is_committed_once_with_the_same_request_id_across_leader_stops()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var first = await cluster.LeaderAsync();
        using var client = cluster.Client();
        Assert.Equal(first, (await client.RequestConfigAsync()).LeaderId);
        var updates = new Dictionary<RequestId, long>();
        for (var i = 0; i < 5; i++)
        {
            var id = RequestId.New();
            updates[id] = await client.RequestUpdateAsync(KeyValueCommands.Set($"a{i}", "x"), id);
        }

        // The client still believes in the stopped leader: its first try times out, then it finds the new one.
        await cluster.StopAsync(first);
        var afterStop = RequestId.New();
        updates[afterStop] = await client.RequestUpdateAsync(KeyValueCommands.Set("b", "y"), afterStop);
        var second = client.LeaderId;
        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Equal(updates[afterStop], await client.RequestUpdateAsync(KeyValueCommands.Set("b", "y"), afterStop));

        // An update in flight when its leader stops: no quorum until the first leader is back, then it commits, once.
        var inFlight = RequestId.New();
        var pending = client.RequestUpdateAsync(KeyValueCommands.Set("c", "z"), inFlight);
        await cluster.StopAsync(second!);
        cluster.Start(first);
        updates[inFlight] = await pending;
        Assert.Equal(updates[inFlight], await client.RequestUpdateAsync(KeyValueCommands.Set("c", "z"), inFlight));

        var entries = (await LogChecks.ReadAllAsync(client)).Cast<LogEntryItem>().ToArray();
        LogChecks.AssertContiguous(entries, 1);
        LogChecks.AssertEachOnceAt(entries, updates);
    }

    [Fact]
    public async Task A_subscription_delivers_every_entry_in_order_across_a_leader_change()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var first = await cluster.LeaderAsync();
        var log = new ListLogger();
        using var client = cluster.Client(new RaftClientOptions { Logger = log });
        // Entries from before the subscription come from the log, the rest from the broadcasts.
        for (var i = 0; i < 10; i++)
            await client.RequestUpdateAsync(KeyValueCommands.Set($"before{i}", "x"));
        await using var subscription = new Collector(ct => client.SubscribeAsync(0, ct));
        var last = 0L;
        for (var i = 0; i < 20; i++)
            last = await client.RequestUpdateAsync(KeyValueCommands.Set($"a{i}", "x"));
        await subscription.UntilAsync(last);

        await cluster.StopAsync(first);
        for (var i = 0; i < 20; i++)
            last = await client.RequestUpdateAsync(KeyValueCommands.Set($"b{i}", "y"));
        Assert.NotEqual(first, client.LeaderId);
        var received = (await subscription.UntilAsync(last)).Cast<LogEntryItem>().ToArray();

        LogChecks.AssertContiguous(received, 1);
        var entries = (await LogChecks.ReadAllAsync(client)).Cast<LogEntryItem>().ToArray();
        Assert.Equal(entries.Take(received.Length).Select(e => (e.Index, e.Entry)), received.Select(e => (e.Index, e.Entry)));
        // It listened to the first leader's PUB, then to the second's.
        var publishers = log.Texts(1306).Distinct().ToArray();
        Assert.True(publishers.Length >= 2, log.ToString());
        Assert.Contains(cluster.PubUrlOf(first), publishers[0], StringComparison.Ordinal);
    }
}
