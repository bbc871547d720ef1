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
    public async Task A_change_asked_of_a_follower_is_forwarded_to_the_leader_and_answered_once_the_follower_applied_it()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var follower = cluster.Running.First(id => id != leader);
        var id = RequestId.New();
        var applied = await cluster.NodeOf(follower).Ask<ChangeApplied>(new ChangeStateMachine(KeyValueCommands.Set("via", "follower"), id), TimeSpan.FromSeconds(15));
        Assert.Equal(id, applied.RequestId);
        Assert.True(cluster.StateMachineOf(follower).TryGet("via", out _)); // readable here as soon as the answer comes
        var again = await cluster.NodeOf(follower).Ask<ChangeApplied>(new ChangeStateMachine(KeyValueCommands.Set("via", "follower"), id), TimeSpan.FromSeconds(15));
        Assert.Equal(applied.Index, again.Index); // the same request id: not applied twice
    }

    [Fact]
    public async Task An_empty_or_expired_change_says_why_it_was_not_applied()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var leader = await cluster.LeaderAsync();
        var empty = await cluster.NodeOf(leader).Ask<ChangeFailed>(new ChangeStateMachine(ReadOnlyMemory<byte>.Empty), TimeSpan.FromSeconds(10));
        Assert.Equal(ChangeFailure.Refused, empty.Reason);
        var stale = await cluster.NodeOf(leader).Ask<ChangeFailed>(new ChangeStateMachine(KeyValueCommands.Set("k", "v"), RequestId.New(DateTimeOffset.UtcNow.AddHours(-9))), TimeSpan.FromSeconds(10));
        Assert.Equal(ChangeFailure.Expired, stale.Reason);
    }
}
