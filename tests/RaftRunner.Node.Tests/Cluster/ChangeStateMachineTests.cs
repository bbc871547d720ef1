using RaftRunner.Actors;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;

namespace RaftRunner.Node.Tests.Cluster;

/// <summary>RaftRunnerActor's ChangeStateMachine (DESIGN.md "What a user does").</summary>
public sealed class ChangeStateMachineTests
{
    [Fact]
    public async Task The_leader_applies_a_change_once_even_when_it_is_asked_twice_with_the_same_id()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var id = RequestId.New();
        var change = new ChangeStateMachine(KeyValueCommands.Set("k", "v"), id);
        var first = await cluster.NodeOf(leader).Ask<ChangeApplied>(change, TimeSpan.FromSeconds(10));
        var again = await cluster.NodeOf(leader).Ask<ChangeApplied>(change, TimeSpan.FromSeconds(10));
        Assert.Equal(first, again);
        Assert.Equal(id, first.RequestId);
        await cluster.AllAppliedAsync(first.Index);
        Assert.True(cluster.StateMachineOf(leader).TryGet("k", out var value));
        Assert.Equal("v"u8.ToArray(), value.ToArray());
    }

    [Fact]
    public async Task A_follower_and_an_empty_change_say_why_they_did_not_apply_it()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var follower = cluster.Running.First(id => id != leader);
        var notLeader = await cluster.NodeOf(follower).Ask<ChangeFailed>(new ChangeStateMachine(KeyValueCommands.Set("k", "v")), TimeSpan.FromSeconds(10));
        Assert.Equal(ChangeFailure.NotLeader, notLeader.Reason);
        Assert.Equal(leader, notLeader.LeaderId);
        var empty = await cluster.NodeOf(leader).Ask<ChangeFailed>(new ChangeStateMachine(ReadOnlyMemory<byte>.Empty), TimeSpan.FromSeconds(10));
        Assert.Equal(ChangeFailure.Refused, empty.Reason);
        var stale = await cluster.NodeOf(leader).Ask<ChangeFailed>(new ChangeStateMachine(KeyValueCommands.Set("k", "v"), RequestId.New(DateTimeOffset.UtcNow.AddHours(-9))), TimeSpan.FromSeconds(10));
        Assert.Equal(ChangeFailure.Expired, stale.Reason);
    }
}
