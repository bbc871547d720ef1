using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Tests.Harness;

namespace RaftRunner.Raft.Tests;

/// <summary>Beyond zmq-raft (docs/raft-core-design.md §6): ReadIndex, check-quorum, leadership transfer, pipelining.</summary>
public sealed class LeadershipTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static TestCluster Elected(out TestNode leader, int size = 3, Func<RaftCoreOptions, RaftCoreOptions>? configure = null)
    {
        var cluster = new TestCluster(size, configure: configure);
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && cluster.Nodes.Values.All(n => n.Core.LeaderId is not null));
        leader = cluster.Leaders.Single();
        return cluster;
    }

    private static ReadIndexResponse[] ReadsOf(TestCluster cluster, string token) =>
        cluster.Replies.Where(r => Equals(r.Reply.Token, token)).Select(r => (ReadIndexResponse)r.Reply.Response).ToArray();

    [Fact]
    public void A_read_is_answered_once_a_majority_confirms_leadership_with_the_commit_index_applied()
    {
        var cluster = Elected(out var leader);
        leader.Core.RequestUpdate("u", RequestId.New(Now), "x"u8.ToArray(), Now);
        cluster.Flush(leader);
        cluster.RunUntil(() => leader.Core.LastApplied == leader.Core.LastIndex);
        leader.Core.ReadIndex("r");
        cluster.Flush(leader);
        Assert.Empty(ReadsOf(cluster, "r")); // not before anyone answered
        cluster.RunUntil(() => ReadsOf(cluster, "r").Length == 1, maxTicks: 20);
        Assert.Equal(new ReadIndexResponse(true, leader.Core.CommitIndex, leader.Id), ReadsOf(cluster, "r")[0]);
    }

    [Fact]
    public void A_new_leader_with_nothing_to_commit_answers_a_read_without_waiting_for_a_write()
    {
        // A fresh cluster: the leader appends no CHECKPOINT (nothing uncommitted), yet its commit index is current.
        var cluster = Elected(out var leader);
        Assert.Equal(leader.Core.CommitIndex, leader.Core.LastIndex);
        leader.Core.ReadIndex("r");
        cluster.RunUntil(() => ReadsOf(cluster, "r").Length == 1, maxTicks: 20);
        Assert.Equal(new ReadIndexResponse(true, leader.Core.CommitIndex, leader.Id), ReadsOf(cluster, "r")[0]);
    }

    [Fact]
    public void A_leader_cut_off_from_the_majority_never_answers_a_read_and_says_not_leader_when_deposed()
    {
        var cluster = Elected(out var leader);
        cluster.Isolate(leader.Id);
        leader.Core.ReadIndex("r");
        cluster.Run(200);
        Assert.Empty(ReadsOf(cluster, "r"));
        cluster.HealAll();
        cluster.RunUntil(() => leader.Core.Role != RaftRole.Leader);
        Assert.False(Assert.Single(ReadsOf(cluster, "r")).IsLeader);
    }

    [Fact]
    public void A_follower_answers_a_read_with_not_leader_and_names_the_leader()
    {
        var cluster = Elected(out var leader);
        var follower = cluster.Nodes.Values.First(n => n != leader);
        follower.Core.ReadIndex("r");
        cluster.Flush(follower);
        Assert.Equal([new ReadIndexResponse(false, 0, leader.Id)], ReadsOf(cluster, "r"));
    }

    [Fact]
    public void Without_check_quorum_an_isolated_leader_stays_leader_and_with_it_steps_down_and_can_run_again()
    {
        var plain = Elected(out var leader);
        plain.Isolate(leader.Id);
        plain.Run(200);
        Assert.Equal(RaftRole.Leader, leader.Core.Role); // zmq-raft's behaviour (Q32)

        var checking = Elected(out var checkingLeader, configure: o => o with { CheckQuorum = true });
        checking.Isolate(checkingLeader.Id);
        checking.RunUntil(() => checkingLeader.Core.Role != RaftRole.Leader, maxTicks: 2 * 30 + 5);
        Assert.Equal(RaftRole.Follower, checkingLeader.Core.Role);
        var term = checkingLeader.Core.Term;
        checking.RunUntil(() => checkingLeader.Core.Term > term); // it has a timer again (unlike Q4)
    }

    [Fact]
    public void A_leader_with_check_quorum_that_hears_a_majority_stays()
    {
        var cluster = Elected(out var leader, size: 5, configure: o => o with { CheckQuorum = true });
        var followers = cluster.Nodes.Values.Where(n => n != leader).ToArray();
        cluster.Cut(leader.Id, followers[0].Id);
        cluster.Cut(leader.Id, followers[1].Id);
        cluster.Run(300);
        Assert.Equal(RaftRole.Leader, leader.Core.Role);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Leadership_transfer_makes_the_caught_up_target_the_leader(bool timeoutNow)
    {
        var cluster = Elected(out var leader, size: 5, configure: o => timeoutNow ? o with { TimeoutNowPeers = new HashSet<string> { "n1", "n2", "n3", "n4", "n5" } } : o);
        for (var i = 0; i < 5; i++)
            leader.Core.RequestUpdate($"u{i}", RequestId.New(Now), new[] { (byte)i }, Now);
        cluster.Flush(leader);
        var target = cluster.Nodes.Values.First(n => n != leader);
        Assert.True(leader.Core.TransferLeadership(target.Id));
        var refused = RequestId.New(Now);
        leader.Core.RequestUpdate("during", refused, "y"u8.ToArray(), Now);
        cluster.Flush(leader);
        Assert.Contains(cluster.Replies, r => Equals(r.Reply.Token, "during") && Equals(r.Reply.Response, RequestUpdateResponse.NotLeader(refused, null)));
        var ticks = cluster.RunUntil(() => target.Core.Role == RaftRole.Leader, maxTicks: 100);
        Assert.True(ticks <= (timeoutNow ? 10 : 40), $"took {ticks} ticks");
        Assert.False(leader.Core.IsTransferringLeadership);
    }

    [Fact]
    public void A_transfer_to_a_node_that_cannot_win_is_abandoned_and_the_leader_leads_on()
    {
        var cluster = Elected(out var leader);
        var target = cluster.Nodes.Values.First(n => n != leader);
        cluster.Isolate(target.Id);
        Assert.True(leader.Core.TransferLeadership(target.Id));
        cluster.RunUntil(() => !leader.Core.IsTransferringLeadership, maxTicks: 100);
        Assert.Equal(RaftRole.Leader, leader.Core.Role);
        Assert.False(leader.Core.TransferLeadership(leader.Id));
    }

    [Fact]
    public void A_pipelining_window_goes_only_to_peers_that_take_it()
    {
        var takers = new HashSet<string> { "n2" };
        var cluster = Elected(out var leader, configure: o => o with { PeerMessageDataSize = 100, AppendEntriesWindow = 4, PipelinedPeers = takers });
        var others = cluster.Nodes.Values.Where(n => n != leader).Select(n => n.Id).ToArray();
        Assert.Contains(others, takers.Contains); // the seed elects n3, so both kinds of follower are present
        Assert.Contains(others, id => !takers.Contains(id));
        cluster.Isolate(leader.Id); // hold the answers back, so what is in flight is visible
        var sentBefore = cluster.Sent.Count;
        for (var i = 0; i < 20; i++)
            leader.Core.RequestUpdate($"u{i}", RequestId.New(Now), new byte[60], Now);
        cluster.Flush(leader);
        var inFlight = cluster.Sent.Skip(sentBefore).Where(m => m.Message is AppendEntriesRequest { Entries.Count: > 0 }).GroupBy(m => m.To).ToDictionary(g => g.Key, g => g.Count());
        foreach (var id in others)
            Assert.Equal(takers.Contains(id) ? 4 : 1, inFlight.GetValueOrDefault(id));
        cluster.HealAll();
        cluster.RunUntil(() => cluster.Nodes.Values.All(n => n.Core.LastApplied == leader.Core.LastIndex));
    }
}
