using RaftRunner.Protocol;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Raft.Tests.Membership;

public sealed class ClusterConfigurationTests
{
    private static PeerInfo P(string id) => new(id, $"tcp://127.0.0.1:{8000 + id[^1]}");

    private static readonly ClusterConfiguration Three = ClusterConfiguration.Final([P("a"), P("b"), P("c")]);

    private static readonly ClusterConfiguration Joint = ClusterConfiguration.From(
        ConfigEntryData.Transitional([P("a"), P("b"), P("c")], [P("c"), P("d"), P("e")]));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    [InlineData(7, 4)]
    public void Majority_is_floor_half_plus_one(int voters, int majority) => Assert.Equal(majority, ClusterConfiguration.Majority(voters));

    [Fact]
    public void A_final_configuration_needs_a_simple_majority()
    {
        Assert.True(Three.HasMajority(id => id is "a" or "b"));
        Assert.False(Three.HasMajority(id => id is "a"));
    }

    [Fact]
    public void A_joint_configuration_needs_a_majority_of_old_and_of_new()
    {
        Assert.False(Joint.HasMajority(id => id is "a" or "b" or "c"), "all of Cold but only one of Cnew");
        Assert.False(Joint.HasMajority(id => id is "c" or "d" or "e"), "all of Cnew but only one of Cold");
        Assert.True(Joint.HasMajority(id => id is "b" or "c" or "d"));
    }

    [Fact]
    public void Every_peer_of_either_configuration_is_a_member_and_listed_once()
    {
        Assert.Equal(["a", "b", "c", "d", "e"], Joint.AllPeers.Select(p => p.Id).Order());
        Assert.True(Joint.IsMember("a"));
        Assert.True(Joint.IsMember("e"));
        Assert.False(Joint.IsMember("z"));
        Assert.True(Joint.IsTransitional);
        Assert.False(Three.IsTransitional);
    }

    [Fact]
    public void A_vote_counts_once_per_voter_and_only_for_members()
    {
        var tally = new VoteTally(Three);
        Assert.True(tally.Record("a", true));
        Assert.False(tally.Record("a", true), "a second answer from the same voter");
        Assert.False(tally.Record("z", true), "not a voter");
        Assert.False(tally.HasWon);
        Assert.True(tally.Record("b", false));
        Assert.False(tally.HasWon);
        Assert.True(tally.MajorityHasAnswered, "two of three answered, even if one said no");
        Assert.True(tally.Record("c", true));
        Assert.True(tally.HasWon);
    }

    [Fact]
    public void Winning_a_joint_election_needs_both_majorities()
    {
        var tally = new VoteTally(Joint);
        tally.Record("a", true);
        tally.Record("b", true);
        tally.Record("c", true);
        Assert.False(tally.HasWon);
        tally.Record("d", true);
        Assert.True(tally.HasWon);
    }
}
