using System.Text;
using RaftRunner.Client.Tests.Testing;
using RaftRunner.Protocol;

namespace RaftRunner.Client.Tests;

/// <summary>RaftClient against three real zmq-raft 0.5.0 node processes (Node.js), the reference implementation.</summary>
public sealed class ZmqRaftClusterTests
{
    private static ReadOnlyMemory<byte> Data(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Discovery_updates_entries_and_a_subscription_work_against_zmq_raft()
    {
        using var cluster = await ZmqRaftCluster.StartAsync();
        using var client = cluster.Client();
        var config = await client.RequestConfigAsync();
        Assert.Contains(config.LeaderId, cluster.Peers.Select(p => p.Id));
        Assert.Equal(cluster.Peers.Select(p => p.Id).Order(), config.Peers.Select(p => p.Id).Order());
        Assert.Equal(cluster.Peers.Single(p => p.Id == config.LeaderId).Pub, await client.RequestBroadcastUrlAsync());
        var follower = cluster.Peers.First(p => p.Id != config.LeaderId);
        var followerInfo = await client.RequestLogInfoAsync(follower.Url);
        Assert.False(followerInfo.IsLeader);
        Assert.Equal(follower.Url, followerInfo.PeerUrl);

        var updates = new Dictionary<RequestId, long>();
        for (var i = 0; i < 10; i++)
        {
            var id = RequestId.New();
            updates[id] = await client.RequestUpdateAsync(Data($"before {i}"), id);
        }
        await using var subscription = new Collector(ct => client.SubscribeAsync(0, ct));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var id = RequestId.New();
                var index = await client.RequestUpdateAsync(Data($"w{worker} {i}"), id);
                lock (updates)
                    updates[id] = index;
            }
        })));
        var (someId, someIndex) = updates.First();
        Assert.Equal(someIndex, await client.RequestUpdateAsync(Data("again"), someId));

        var entries = (await LogChecks.ReadAllAsync(client)).Cast<LogEntryItem>().ToArray();
        LogChecks.AssertContiguous(entries, 1);
        LogChecks.AssertEachOnceAt(entries, updates);
        var received = (await subscription.UntilAsync(updates.Values.Max())).Cast<LogEntryItem>().ToArray();
        LogChecks.AssertContiguous(received, 1);
        Assert.Equal(entries.Take(received.Length).Select(e => e.Entry), received.Select(e => e.Entry));

        await Assert.ThrowsAsync<RequestExpiredException>(() => client.RequestUpdateAsync(Data("old"), RequestId.New(DateTimeOffset.UtcNow - TimeSpan.FromHours(9))));
        var refused = await Assert.ThrowsAsync<ConfigUpdateRejectedException>(() => client.ConfigUpdateAsync([]));
        Assert.Equal(("AssertionError", "at least one peer must be defined in a cluster"), (refused.ErrorName, refused.ErrorMessage));
    }

    [Fact]
    public async Task When_the_zmq_raft_leader_is_killed_updates_and_the_subscription_carry_on()
    {
        using var cluster = await ZmqRaftCluster.StartAsync();
        var log = new ListLogger();
        using var client = cluster.Client(new RaftClientOptions { Logger = log });
        var first = (await client.RequestConfigAsync()).LeaderId;
        await using var subscription = new Collector(ct => client.SubscribeAsync(0, ct));
        var updates = new Dictionary<RequestId, long>();
        for (var i = 0; i < 10; i++)
        {
            var id = RequestId.New();
            updates[id] = await client.RequestUpdateAsync(Data($"a{i}"), id);
        }
        await subscription.UntilAsync(updates.Values.Max());

        cluster.Kill(first);
        for (var i = 0; i < 10; i++)
        {
            var id = RequestId.New();
            updates[id] = await client.RequestUpdateAsync(Data($"b{i}"), id);
        }
        Assert.NotEqual(first, client.LeaderId);
        var received = (await subscription.UntilAsync(updates.Values.Max())).Cast<LogEntryItem>().ToArray();
        LogChecks.AssertContiguous(received, 1);
        LogChecks.AssertEachOnceAt(received, updates);
        Assert.True(log.Texts(1306).Distinct().Count() >= 2, log.ToString());
    }
}
