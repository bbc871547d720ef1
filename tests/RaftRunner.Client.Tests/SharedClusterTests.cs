using System.Collections.Concurrent;
using RaftRunner.Client.Tests.Testing;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;

namespace RaftRunner.Client.Tests;

/// <summary>Three RaftRunner nodes, started once for these tests, none of which stops a node.</summary>
public sealed class SharedCluster : IAsyncLifetime
{
    internal NodeCluster Nodes { get; } = new(3);

    internal string Leader { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Nodes.StartAll();
        Leader = await Nodes.LeaderAsync();
    }

    public async Task DisposeAsync() => await Nodes.DisposeAsync();
}

/// <summary>RaftClient against three in-process RaftRunner nodes: discovery, log info, updates, refusals, entries.</summary>
public sealed class SharedClusterTests(SharedCluster cluster) : IClassFixture<SharedCluster>
{
    private NodeCluster Nodes => cluster.Nodes;

    [Fact]
    public async Task From_one_follower_url_the_client_finds_the_leader_and_learns_every_peer()
    {
        var follower = Nodes.Seed.First(p => p.Id != cluster.Leader);
        using var client = Nodes.Client(urls: [follower.Url]);
        var config = await client.RequestConfigAsync();
        Assert.Equal(cluster.Leader, config.LeaderId);
        Assert.Equal(Nodes.UrlOf(cluster.Leader), config.LeaderUrl);
        Assert.Equal(Nodes.Seed.OrderBy(p => p.Id), config.Peers.OrderBy(p => p.Id));
        Assert.Equal(cluster.Leader, client.LeaderId);
        Assert.Equal(Nodes.PubUrlOf(cluster.Leader), await client.RequestBroadcastUrlAsync());
    }

    [Fact]
    public async Task A_dead_seed_url_costs_one_response_timeout()
    {
        var dead = Ports.Url(Ports.Free(1)[0]);
        using var client = Nodes.Client(urls: [dead, Nodes.Seed[0].Url]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(cluster.Leader, (await client.RequestConfigAsync()).LeaderId);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Log_info_comes_from_the_leader_or_from_exactly_the_peer_asked()
    {
        using var client = Nodes.Client();
        var leaderInfo = await client.RequestLogInfoAsync();
        Assert.True(leaderInfo.IsLeader);
        Assert.Equal(Nodes.UrlOf(cluster.Leader), leaderInfo.PeerUrl);
        var follower = Nodes.Seed.First(p => p.Id != cluster.Leader);
        var followerInfo = await client.RequestLogInfoAsync(follower.Url);
        Assert.False(followerInfo.IsLeader);
        Assert.Equal(cluster.Leader, followerInfo.LeaderId);
        Assert.Equal(follower.Url, followerInfo.PeerUrl);
        Assert.Equal(leaderInfo.CurrentTerm, followerInfo.CurrentTerm);
        Assert.True((await client.RequestLogInfoAsync(anyPeer: true)).CurrentTerm >= leaderInfo.CurrentTerm);
    }

    [Fact]
    public async Task Concurrent_updates_through_one_client_each_land_once_and_the_log_reads_back_exactly()
    {
        using var client = Nodes.Client();
        var updates = new ConcurrentDictionary<RequestId, long>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                var id = RequestId.New();
                updates[id] = await client.RequestUpdateAsync(KeyValueCommands.Set($"w{worker}-{i}", "v"), id);
            }
        })));
        Assert.Equal(120, updates.Values.Distinct().Count());
        // Sent again with its id, an update is answered with the index it already has.
        var (someId, someIndex) = updates.First();
        Assert.Equal(someIndex, await client.RequestUpdateAsync(KeyValueCommands.Set("again", "v"), someId));

        var items = await LogChecks.ReadAllAsync(client);
        var entries = items.Cast<LogEntryItem>().ToArray();
        LogChecks.AssertContiguous(entries, 1);
        LogChecks.AssertEachOnceAt(entries, updates);
        Assert.True(entries[^1].Index >= updates.Values.Max());

        var middle = updates.Values.Min();
        var tail = await LogChecks.ReadAllAsync(client, middle);
        Assert.Equal(entries.Where(e => e.Index > middle).Select(e => e.Entry), tail.Cast<LogEntryItem>().Select(e => e.Entry));
        var bounded = new List<RaftLogItem>();
        await foreach (var item in client.ReadEntriesAsync(middle, middle + 5))
            bounded.Add(item);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => middle + i), bounded.Select(i => i.Index));
    }

    [Fact]
    public async Task An_expired_request_id_is_refused_with_RequestExpiredException()
    {
        using var client = Nodes.Client();
        var old = RequestId.New(DateTimeOffset.UtcNow - TimeSpan.FromHours(9));
        var refused = await Assert.ThrowsAsync<RequestExpiredException>(() => client.RequestUpdateAsync(KeyValueCommands.Set("old", "x"), old));
        Assert.Equal(old, refused.RequestId);
        await Assert.ThrowsAsync<RequestExpiredException>(() => client.ConfigUpdateAsync(Nodes.Seed.Reverse().ToArray(), old));
    }

    [Fact]
    public async Task Bad_peer_lists_are_refused_with_the_leaders_error_name_and_message()
    {
        using var client = Nodes.Client();
        var empty = await Assert.ThrowsAsync<ConfigUpdateRejectedException>(() => client.ConfigUpdateAsync([]));
        Assert.Equal(("AssertionError", "at least one peer must be defined in a cluster"), (empty.ErrorName, empty.ErrorMessage));
        var sameUrl = await Assert.ThrowsAsync<ConfigUpdateRejectedException>(() =>
            client.ConfigUpdateAsync([.. Nodes.Seed, new PeerInfo("n9", Nodes.Seed[0].Url)]));
        Assert.Equal(("AssertionError", "peer url must be unique"), (sameUrl.ErrorName, sameUrl.ErrorMessage));
        var unchanged = await Assert.ThrowsAsync<ConfigUpdateRejectedException>(() => client.ConfigUpdateAsync(Nodes.Seed));
        Assert.Equal(("Error", "no change in cluster membership"), (unchanged.ErrorName, unchanged.ErrorMessage));
    }
}
