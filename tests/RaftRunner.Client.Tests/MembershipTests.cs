using RaftRunner.Client.Tests.Testing;
using RaftRunner.Node.StateMachines;
using RaftRunner.Raft;

namespace RaftRunner.Client.Tests;

/// <summary>ConfigUpdate through the client on RaftRunner nodes: a spare node joins, then a member (maybe the leader) leaves.</summary>
public sealed class MembershipTests
{
    [Fact]
    public async Task A_spare_node_is_added_and_then_a_member_removed()
    {
        await using var cluster = new NodeCluster(3, spares: 1);
        cluster.StartAll();
        await cluster.LeaderAsync();
        using var client = cluster.Client();
        await client.RequestUpdateAsync(KeyValueCommands.Set("before", "x"));

        // The client adds n4 before it runs (3 of the 4 are a majority of the new configuration); n4 then starts
        // with the whole list, itself included, so it does not try to join by itself.
        var joint = await client.ConfigUpdateAsync(cluster.AllPeers);
        Assert.True(joint > 1);
        cluster.Start("n4", cluster.AllPeers);
        await client.RequestUpdateAsync(KeyValueCommands.Set("after-join", "x"));
        await cluster.WaitForAsync("n4", s => s.Role == RaftRole.Follower);
        var four = await ConfigAsync(client, 4);
        Assert.Equal(cluster.AllPeers.OrderBy(p => p.Id), four.Peers.OrderBy(p => p.Id));

        var three = cluster.AllPeers.Where(p => p.Id != "n1").ToArray();
        var leave = await client.ConfigUpdateAsync(three);
        Assert.True(leave > joint);
        var final = await ConfigAsync(client, 3);
        Assert.Equal(three.OrderBy(p => p.Id), final.Peers.OrderBy(p => p.Id));
        await cluster.StopAsync("n1");
        var index = await client.RequestUpdateAsync(KeyValueCommands.Set("after-leave", "y"));
        Assert.True(index > leave);
        Assert.NotEqual("n1", client.LeaderId);
    }

    /// <summary>The leader's configuration once it has <paramref name="count"/> peers (the joint one lists old and new).</summary>
    private static async Task<RaftClusterConfig> ConfigAsync(RaftClient client, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var config = await client.RequestConfigAsync();
            if (config.Peers.Count == count || DateTime.UtcNow > deadline)
                return config;
            await Task.Delay(50);
        }
    }
}
