using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;

namespace RaftRunner.Node.Tests.Cluster;

/// <summary>Whole nodes (ActorSystems with RaftRunnerActor) in one process over real ZeroMQ (issue 6).</summary>
public sealed class NodeClusterTests
{
    private static ReadOnlyMemory<byte> Set(string key, string value) => KeyValueCommands.Set(key, value);

    [Fact]
    public async Task Three_nodes_elect_a_leader_and_apply_every_update_on_every_node()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var indexes = new List<long>();
        for (var i = 0; i < 50; i++)
            indexes.Add(await cluster.UpdateAsync(RequestId.New(), Set($"k{i}", $"v{i}")));
        Assert.Equal(indexes.Count, indexes.Distinct().Count());
        await cluster.AllAppliedAsync(indexes.Max());
        foreach (var id in cluster.Running)
            Assert.Equal(50, cluster.StateMachineOf(id).Count);
        Assert.Contains(leader, cluster.Running);
    }

    [Fact]
    public async Task When_the_leader_stops_another_is_elected_and_nothing_confirmed_is_lost()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var first = await cluster.LeaderAsync();
        for (var i = 0; i < 20; i++)
            await cluster.UpdateAsync(RequestId.New(), Set($"a{i}", "x"));
        await cluster.StopAsync(first);
        var second = await cluster.LeaderAsync();
        Assert.NotEqual(first, second);
        var last = 0L;
        for (var i = 0; i < 20; i++)
            last = await cluster.UpdateAsync(RequestId.New(), Set($"b{i}", "y"));
        await cluster.AllAppliedAsync(last);
        foreach (var id in cluster.Running)
            Assert.Equal(40, cluster.StateMachineOf(id).Count);
    }

    [Fact]
    public async Task A_follower_restarted_on_its_data_catches_up_and_rebuilds_its_state()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var follower = cluster.Running.First(id => id != leader);
        for (var i = 0; i < 10; i++)
            await cluster.UpdateAsync(RequestId.New(), Set($"a{i}", "x"));
        await cluster.StopAsync(follower);
        var last = 0L;
        for (var i = 0; i < 10; i++)
            last = await cluster.UpdateAsync(RequestId.New(), Set($"b{i}", "y"));
        cluster.Start(follower);
        await cluster.AllAppliedAsync(last);
        Assert.Equal(20, cluster.StateMachineOf(follower).Count);
    }

    [Fact]
    public async Task A_follower_behind_the_leaders_snapshot_installs_it_and_goes_on_with_entries()
    {
        await using var cluster = new NodeCluster(3, s => s with { SnapshotInterval = 30, PeerMessageDataSize = 1024 });
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var lagging = cluster.Running.First(id => id != leader);
        await cluster.StopAsync(lagging);
        Directory.Delete(cluster.DataOf(lagging), recursive: true); // it comes back with nothing
        var last = 0L;
        for (var i = 0; i < 100; i++)
            last = await cluster.UpdateAsync(RequestId.New(), Set($"k{i}", new string('v', 40)));
        var status = await cluster.StatusAsync(leader);
        Assert.True(status.FirstIndex > 1, $"the leader's log was not compacted (first index {status.FirstIndex})");
        cluster.Start(lagging);
        await cluster.AllAppliedAsync(last);
        Assert.Equal(100, cluster.StateMachineOf(lagging).Count);
        Assert.True((await cluster.StatusAsync(lagging)).FirstIndex > 1, "the follower should have a snapshot, not the whole log");
    }

    [Fact]
    public async Task A_spare_node_joins_by_itself_and_a_config_update_then_removes_a_member()
    {
        await using var cluster = new NodeCluster(3, spares: 1);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        cluster.Start("n4"); // not in its peer list: it joins (ConfigUpdate from the node itself)
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && (await cluster.StatusAsync(await cluster.LeaderAsync())).Peers.Count != 4)
            await Task.Delay(50);
        var last = await cluster.UpdateAsync(RequestId.New(), Set("after-join", "x"));
        await cluster.AllAppliedAsync(last);
        Assert.Equal(RaftRole.Follower, (await cluster.StatusAsync("n4")).Role);
        Assert.Equal(4, (await cluster.StatusAsync(await cluster.LeaderAsync())).Peers.Count);
        Protocol.Messages.ConfigUpdateResponse? answer;

        var remove = RequestId.New();
        var three = cluster.AllPeers.Where(p => p.Id != "n1").ToArray();
        answer = null;
        for (var attempt = 0; attempt < 50 && answer is not { Index: not null }; attempt++)
        {
            answer = await Task.Run(async () => cluster.Client.ConfigUpdate(cluster.UrlOf(await cluster.LeaderAsync()), remove, three, TimeSpan.FromSeconds(2)));
            await Task.Delay(50);
        }
        Assert.NotNull(answer!.Value.Index);
        await cluster.StopAsync("n1");
        last = await cluster.UpdateAsync(RequestId.New(), Set("after-leave", "y"));
        await cluster.AllAppliedAsync(last);
        var status = await cluster.StatusAsync(await cluster.LeaderAsync());
        Assert.Equal(["n2", "n3", "n4"], status.Peers.Select(p => p.Id).Order());
    }

    [Fact]
    public async Task A_log_writer_restarted_by_its_supervisor_in_the_middle_of_a_load_loses_nothing()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var ids = Enumerable.Range(0, 200).Select(_ => RequestId.New()).ToArray();
        var load = Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var done = new List<long>();
            for (var i = worker; i < ids.Length; i += 8)
                done.Add(await cluster.UpdateAsync(ids[i], Set($"k{i}", "v"), TimeSpan.FromSeconds(60)));
            return done;
        })));
        var writer = cluster.NodeOf(leader).Path.Elements + "/log-writer";
        var restartsBefore = RaftRunner.Node.Storage.LogWriterActor.Restarts;
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(30);
            cluster.SystemOf(leader).ActorSelection(writer).Tell(RaftRunner.Node.Storage.LogWriterActor.FailForTest.Instance);
        }
        var indexes = (await load).SelectMany(x => x).ToArray();
        Assert.True(RaftRunner.Node.Storage.LogWriterActor.Restarts >= restartsBefore + 5, "the log writer was not restarted");
        Assert.Equal(ids.Length, indexes.Distinct().Count());
        await cluster.AllAppliedAsync(indexes.Max());
        foreach (var id in cluster.Running)
            Assert.Equal(ids.Length, cluster.StateMachineOf(id).Count);
    }

    [Fact]
    public async Task A_custom_request_is_answered_by_the_state_machine_on_any_node()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var last = await cluster.UpdateAsync(RequestId.New(), Set("colour", "blue"));
        await cluster.AllAppliedAsync(last);
        foreach (var id in cluster.Running)
        {
            var answer = await Task.Run(() => cluster.Client.Dispatch(cluster.UrlOf(id), "kv", KeyValueCommands.Get("colour"), TimeSpan.FromSeconds(5)));
            Assert.NotNull(answer);
            Assert.Equal("blue", System.Text.Encoding.UTF8.GetString(KeyValueCommands.ReadValue(answer.Value.Frames[0].Span)!));
        }
    }

    [Fact]
    public async Task A_raft_peer_restarted_by_its_supervisor_mid_load_goes_on_from_the_state_machine_it_left_leader_or_follower()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var follower = cluster.Running.First(id => id != leader);
        var ids = Enumerable.Range(0, 120).Select(_ => RequestId.New()).ToArray();
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var done = new List<long>();
            for (var i = worker; i < ids.Length; i += 4)
                done.Add(await cluster.UpdateAsync(ids[i], Set($"k{i}", "v"), TimeSpan.FromSeconds(60)));
            return done;
        })));
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(40);
            var victim = i % 2 == 0 ? follower : leader; // a follower, then the leader, and again
            var peer = cluster.NodeOf(victim).Path.Elements + "/peer";
            cluster.SystemOf(victim).ActorSelection(peer).Tell(RaftRunner.Node.Peer.RaftPeerActor.FailForTest.Instance);
        }
        var indexes = (await load).SelectMany(x => x).ToArray();
        Assert.Equal(ids.Length, indexes.Distinct().Count());
        await cluster.AllAppliedAsync(indexes.Max());
        foreach (var id in cluster.Running)
            Assert.Equal(ids.Length, cluster.StateMachineOf(id).Count);
    }
}
