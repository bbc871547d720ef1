using System.Collections.Concurrent;
using RaftRunner.Actors;
using RaftRunner.Node.Peer;
using RaftRunner.Raft;

namespace RaftRunner.Node.Tests.Cluster;

/// <summary>RaftRunnerActor's status and role-change subscription (issue 6: "messages for status and role-change subscription").</summary>
public sealed class RoleChangeTests
{
    [Fact]
    public async Task A_subscriber_hears_the_current_role_at_once_and_every_change_after_it()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var heard = new BlockingCollection<RoleChanged>();
        var recorder = cluster.SystemOf("n1").ActorOf(Props.Create(() => new Recorder(heard)));
        cluster.NodeOf("n1").Tell(SubscribeRoleChanges.Instance, recorder);
        Assert.True(heard.TryTake(out var first, TimeSpan.FromSeconds(5)));
        Assert.Equal("n1", first.NodeId);
        var leader = await cluster.LeaderAsync();
        RoleChanged? withLeader = null;
        while (withLeader is null && heard.TryTake(out var next, TimeSpan.FromSeconds(5)))
        {
            if (next.LeaderId == leader)
                withLeader = next;
        }
        Assert.NotNull(withLeader);
        Assert.Equal(leader == "n1" ? RaftRole.Leader : RaftRole.Follower, withLeader.Role);
        var status = await cluster.StatusAsync("n1");
        Assert.Equal(withLeader.Term, status.Term);
        Assert.Equal(3, status.Peers.Count);
    }

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(BlockingCollection<RoleChanged> heard) => Receive<RoleChanged>(heard.Add);
    }
}
