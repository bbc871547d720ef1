using RaftRunner.Actors;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.Node.Tests.Cluster;

/// <summary>Dynamic join: a node not in the peer list it is given joins the running cluster by itself (issue 7).</summary>
public sealed class JoinTests
{
    [Fact]
    public async Task A_node_given_one_seed_peer_joins_catches_up_through_a_snapshot_and_ends_with_the_same_state()
    {
        await using var cluster = new NodeCluster(3, s => s with { SnapshotInterval = 40 }, spares: 1);
        cluster.StartAll();
        await cluster.LeaderAsync();
        for (var i = 0; i < 100; i++)
            await cluster.UpdateAsync(RequestId.New(), KeyValueCommands.Set($"k{i}", "v"));
        cluster.Start("n4", seed: [cluster.AllPeers[0]]); // knows only n1, and is not in that list: it joins
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && (await TryStatus(cluster, "n4"))?.Role != RaftRole.Follower)
            await Task.Delay(50);
        var status = await cluster.StatusAsync("n4");
        Assert.Equal(RaftRole.Follower, status.Role);
        Assert.Equal(4, status.Peers.Count);
        var last = await cluster.UpdateAsync(RequestId.New(), KeyValueCommands.Set("after", "join"));
        await cluster.AllAppliedAsync(last);
        Assert.Equal(101, cluster.StateMachineOf("n4").Count);
        Assert.True(status.FirstIndex > 1 || (await cluster.StatusAsync("n4")).FirstIndex > 1, "the joining node should have been sent a snapshot");
    }

    [Fact]
    public async Task A_node_leaves_cleanly_and_the_rest_go_on_without_it()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var leaving = cluster.Running.First(id => id != leader);
        var left = await cluster.NodeOf(leaving).Ask<LeftCluster>(LeaveCluster.Instance, TimeSpan.FromSeconds(20));
        Assert.True(left.JointIndex > 0);
        await cluster.StopAsync(leaving);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && (await cluster.StatusAsync(await cluster.LeaderAsync())).Peers.Count != 2)
            await Task.Delay(50);
        Assert.DoesNotContain((await cluster.StatusAsync(await cluster.LeaderAsync())).Peers, p => p.Id == leaving);
        var last = await cluster.UpdateAsync(RequestId.New(), KeyValueCommands.Set("after-leave", "x"));
        await cluster.AllAppliedAsync(last);
    }

    [Fact]
    public async Task A_joining_node_whose_id_is_in_the_cluster_with_another_url_is_refused_and_stops()
    {
        await using var cluster = new NodeCluster(3, spares: 1);
        cluster.StartAll();
        await cluster.LeaderAsync();
        // "n3" exists with its own url; a node claiming that id at n4's url must not join.
        var impostor = new NodeSettings
        {
            NodeId = "n3",
            Url = cluster.UrlOf("n4"),
            BindUrl = cluster.UrlOf("n4"),
            DataDirectory = cluster.DataOf("impostor"),
            Secret = NodeCluster.Secret,
            Peers = [cluster.AllPeers[0]],
        };
        var system = Actors.ActorSystem.Create("impostor");
        try
        {
            var node = system.ActorOf(RaftRunnerActor.Props(impostor, new KeyValueStateMachine()), "raft");
            var stopped = new TaskCompletionSource();
            system.ActorOf(Actors.Props.Create(() => new Watcher(node, stopped)));
            await stopped.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            await system.Terminate();
        }
    }

    private sealed class Watcher : Actors.ReceiveActor
    {
        public Watcher(Actors.IActorRef node, TaskCompletionSource stopped)
        {
            Context.Watch(node);
            Receive<Actors.Terminated>(_ => stopped.TrySetResult());
        }
    }

    [Fact]
    public async Task A_joined_node_that_left_and_restarts_on_its_data_asks_to_be_added_again()
    {
        await using var cluster = new NodeCluster(3, spares: 1);
        cluster.StartAll();
        await cluster.LeaderAsync();
        cluster.Start("n4", seed: [cluster.AllPeers[0]]);
        await WaitForPeers(cluster, "n4", 4);
        await cluster.NodeOf("n4").Ask<LeftCluster>(LeaveCluster.Instance, TimeSpan.FromSeconds(20));
        await WaitForPeers(cluster, "n1", 3);
        await cluster.StopAsync("n4");

        cluster.Start("n4", seed: [cluster.AllPeers[1]]); // its raft.pers exists, its configuration leaves it out
        await WaitForPeers(cluster, "n1", 4);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && (await TryStatus(cluster, "n4"))?.Role != RaftRole.Follower)
            await Task.Delay(50);
        Assert.Equal(RaftRole.Follower, (await cluster.StatusAsync("n4")).Role);
    }

    private static async Task WaitForPeers(NodeCluster cluster, string id, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if ((await TryStatus(cluster, id)) is { } status && status.Peers.Count == count && !status.IsTransitional)
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{id} never saw {count} peers");
    }

    private static async Task<Peer.NodeStatus?> TryStatus(NodeCluster cluster, string id)
    {
        try
        {
            return await cluster.StatusAsync(id);
        }
        catch (Actors.AskTimeoutException)
        {
            return null; // still discovering the cluster
        }
    }
}
