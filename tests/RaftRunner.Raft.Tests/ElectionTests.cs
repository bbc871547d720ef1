using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;
using RaftRunner.Raft.Tests.Harness;

namespace RaftRunner.Raft.Tests;

/// <summary>Election rules (Raft §5.2, §5.4.1) as zmq-raft applies them (docs/zmq-raft-core-behaviour.md §1–2).</summary>
public sealed class ElectionTests
{
    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    [InlineData(7, 4)]
    public void A_cluster_elects_exactly_one_leader_and_everyone_follows_it(int size, int seed)
    {
        var cluster = new TestCluster(size, seed);
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && cluster.Nodes.Values.All(n => n.Core.LeaderId is not null));
        var leader = cluster.Leaders.Single();
        Assert.All(cluster.Nodes.Values, n => Assert.Equal(leader.Id, n.Core.LeaderId));
        Assert.All(cluster.Nodes.Values, n => Assert.Equal(leader.Core.Term, n.Core.Term));
        cluster.Run(500); // heartbeats keep it stable: no new term
        Assert.Equal(leader.Id, cluster.Leaders.Single().Id);
        Assert.Equal(leader.Core.Term, cluster.Leaders.Single().Core.Term);
    }

    [Fact]
    public void The_first_election_waits_for_an_extra_maximum_timeout_after_start()
    {
        var cluster = new TestCluster(3);
        cluster.Run(30); // max timeout 30 ticks, plus a random 20..30 on top at start
        Assert.All(cluster.Nodes.Values, n => Assert.Equal(RaftRole.Follower, n.Core.Role));
    }

    [Fact]
    public void A_sole_master_leads_at_once_in_a_new_term()
    {
        var node = new TestNode(new RaftCoreOptions { NodeId = "solo" }, ClusterConfiguration.Final([new PeerInfo("solo", "tcp://127.0.0.1:1")]), 1);
        Assert.Equal(RaftRole.Leader, node.Core.Role);
        Assert.Equal(1UL, node.Core.Term);
        var ready = node.Core.GetReady();
        Assert.Equal(new HardState(1, null), ready.HardState);
    }

    [Fact]
    public void A_node_outside_its_configuration_is_a_client_without_election_timer()
    {
        var config = ClusterConfiguration.Final([new PeerInfo("a", "tcp://a"), new PeerInfo("b", "tcp://b")]);
        var core = new RaftCore(new RaftCoreOptions { NodeId = "outsider" }, default, config, new InMemoryRaftLog(), 0, 1);
        for (var i = 0; i < 1000; i++)
            core.Tick();
        Assert.Equal(RaftRole.Client, core.Role);
        Assert.False(core.HasReady);
    }

    [Fact]
    public void A_vote_is_granted_only_after_it_is_persisted()
    {
        var voter = NewFollower("n2");
        voter.Step(new PeerMessage("n1", new RequestVoteRequest(1, "n1", 1, 0, 0)));
        var ready = voter.GetReady();
        Assert.Equal(new HardState(1, "n1"), ready.HardState);
        Assert.Empty(ready.MessagesNow);
        var reply = Assert.Single(ready.MessagesAfterPersist);
        Assert.Equal(new RequestVoteResponse(1, 1, true), reply.Message);
    }

    [Fact]
    public void At_most_one_vote_per_term()
    {
        var voter = NewFollower("n2");
        voter.Step(new PeerMessage("n1", new RequestVoteRequest(1, "n1", 5, 0, 0)));
        voter.GetReady();
        voter.Step(new PeerMessage("n3", new RequestVoteRequest(1, "n3", 5, 0, 0)));
        var refusal = Assert.Single(voter.GetReady().MessagesNow);
        Assert.Equal(new RequestVoteResponse(1, 5, false), refusal.Message);
        // The same candidate asking again gets the vote again (it may have lost the first answer).
        voter.Step(new PeerMessage("n1", new RequestVoteRequest(2, "n1", 5, 0, 0)));
        var again = voter.GetReady();
        Assert.Equal(new RequestVoteResponse(2, 5, true), Assert.Single(again.MessagesAfterPersist).Message);
    }

    [Fact]
    public void A_candidate_with_a_less_up_to_date_log_is_refused_but_its_term_is_adopted()
    {
        var log = new InMemoryRaftLog();
        log.Write(0, [LogEntry.Create(RequestId.Zero, LogEntryType.State, 3, [1])]);
        var voter = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, new HardState(3, null), ThreePeers, log, 0, 1);
        voter.Step(new PeerMessage("n1", new RequestVoteRequest(1, "n1", 4, 5, 2))); // longer log, older last term
        var ready = voter.GetReady();
        Assert.Equal(new HardState(4, null), ready.HardState);
        Assert.Equal(new RequestVoteResponse(1, 4, false), Assert.Single(ready.MessagesAfterPersist).Message);
    }

    [Fact]
    public void A_lower_term_request_is_refused_with_our_term_and_changes_nothing()
    {
        var voter = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, new HardState(7, null), ThreePeers, new InMemoryRaftLog(), 0, 1);
        voter.GetReady();
        voter.Step(new PeerMessage("n1", new RequestVoteRequest(1, "n1", 6, 0, 0)));
        var ready = voter.GetReady();
        Assert.Null(ready.HardState);
        Assert.Equal(new RequestVoteResponse(1, 7, false), Assert.Single(ready.MessagesNow).Message);
    }

    [Fact]
    public void Requests_from_peers_outside_the_configuration_get_no_answer()
    {
        var voter = NewFollower("n2");
        voter.Step(new PeerMessage("stranger", new RequestVoteRequest(1, "stranger", 9, 0, 0)));
        Assert.False(voter.HasReady);
        Assert.Equal(0UL, voter.Term);
    }

    [Fact]
    public void An_unanswered_RequestVote_is_resent_unchanged_every_rpc_timeout()
    {
        var cluster = new TestCluster(3);
        cluster.Isolate("n1");
        cluster.Isolate("n2");
        cluster.Isolate("n3");
        cluster.RunUntil(() => cluster.Nodes.Values.Any(n => n.Core.Role == RaftRole.Candidate));
        var candidate = cluster.Nodes.Values.First(n => n.Core.Role == RaftRole.Candidate);
        var to = cluster.Nodes.Keys.First(k => k != candidate.Id);
        cluster.Run(5 * 4); // four rpc timeouts; a throttled candidate starts no new term meanwhile
        var sent = cluster.Sent.Where(s => s.From == candidate.Id && s.To == to).Select(s => s.Message).OfType<RequestVoteRequest>().ToList();
        Assert.True(sent.Count >= 4, $"expected the RequestVote to be resent at every timeout, saw {sent.Count}");
        Assert.Single(sent.Distinct()); // the same message, same id, every time
    }

    [Fact]
    public void A_partitioned_candidate_does_not_spiral_into_new_terms()
    {
        var cluster = new TestCluster(3);
        cluster.Isolate("n1");
        cluster.Isolate("n2");
        cluster.Isolate("n3");
        cluster.RunUntil(() => cluster.Nodes.Values.All(n => n.Core.Role == RaftRole.Candidate), 500);
        var terms = cluster.Nodes.Values.Select(n => n.Core.Term).ToArray();
        cluster.Run(1000);
        Assert.Equal(terms, cluster.Nodes.Values.Select(n => n.Core.Term).ToArray());
    }

    [Fact]
    public void Without_spiral_prevention_a_partitioned_candidate_keeps_raising_its_term()
    {
        var cluster = new TestCluster(3, configure: o => o with { PreventSpiralElections = false });
        cluster.Isolate("n1");
        cluster.Isolate("n2");
        cluster.Isolate("n3");
        cluster.RunUntil(() => cluster.Nodes.Values.All(n => n.Core.Role == RaftRole.Candidate), 500);
        var before = cluster.Nodes["n1"].Core.Term;
        cluster.Run(1000);
        Assert.True(cluster.Nodes["n1"].Core.Term > before + 10);
    }

    [Fact]
    public void A_throttled_candidate_refuses_a_higher_term_then_answers_by_the_normal_rules_after_eight_throttled_timeouts()
    {
        var candidate = NewFollower("n1");
        for (var i = 0; i < 100 && candidate.Role != RaftRole.Candidate; i++)
            candidate.Tick();
        _ = candidate.GetReady();
        var term = candidate.Term;
        candidate.Step(new PeerMessage("n2", new RequestVoteRequest(1, "n2", term + 1, 5, term)));
        Assert.Equal(new RequestVoteResponse(1, term, false), Assert.Single(candidate.GetReady().MessagesNow).Message); // RAFT.md point 3
        for (var i = 0; i < 8 * 31; i++)
            candidate.Tick();
        Assert.Equal(term, candidate.Term); // still no new term of its own (point 2)
        candidate.Step(new PeerMessage("n2", new RequestVoteRequest(2, "n2", term + 1, 5, term)));
        Assert.Equal(RaftRole.Follower, candidate.Role);
        Assert.Equal(new RequestVoteResponse(2, term + 1, true), Assert.Single(candidate.GetReady().MessagesAfterPersist).Message);
    }

    [Fact]
    public void A_leader_stepping_down_in_its_own_term_keeps_its_vote()
    {
        var cluster = new TestCluster(3, configure: o => o with { CheckQuorum = true });
        cluster.RunUntil(() => cluster.Leaders.Count() == 1);
        var leader = cluster.Leaders.Single();
        cluster.Isolate(leader.Id);
        cluster.RunUntil(() => leader.Core.Role != RaftRole.Leader);
        Assert.Equal(leader.Id, leader.Core.VotedFor); // forgetting it would let a late RequestVote of this term win
        Assert.Equal(leader.Id, leader.Durable.VotedFor);
    }

    [Fact]
    public void After_healing_a_partition_the_cluster_converges_on_one_leader()
    {
        var cluster = new TestCluster(5, seed: 7);
        cluster.RunUntil(() => cluster.Leaders.Count() == 1);
        var first = cluster.Leaders.Single();
        cluster.Isolate(first.Id);
        cluster.RunUntil(() => cluster.Nodes.Values.Count(n => n.Core.Role == RaftRole.Leader && n.Id != first.Id) == 1);
        cluster.HealAll();
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && cluster.Nodes.Values.Select(n => n.Core.Term).Distinct().Count() == 1);
        Assert.NotEqual(first.Id, cluster.Leaders.Single().Id);
    }

    [Fact]
    public void A_leader_deposed_by_a_higher_term_gets_an_election_timer_unlike_zmq_raft()
    {
        // zmq-raft re-arms the timer before leaving LEADER, so it clears it (Q4) and the old leader waits on
        // others for ever; the simulator found clusters where every other node needed its vote. Here it campaigns.
        var cluster = new TestCluster(3);
        cluster.RunUntil(() => cluster.Leaders.Count() == 1);
        var leader = cluster.Leaders.Single();
        leader.Core.Step(new PeerMessage(cluster.Nodes.Keys.First(k => k != leader.Id),
            new RequestVoteRequest(99, cluster.Nodes.Keys.First(k => k != leader.Id), leader.Core.Term + 5, 0, 0)));
        Assert.Equal(RaftRole.Follower, leader.Core.Role);
        var term = leader.Core.Term;
        for (var i = 0; i < 31 && leader.Core.Role == RaftRole.Follower; i++)
            leader.Core.Tick();
        Assert.Equal(RaftRole.Candidate, leader.Core.Role); // within one election timeout (20–30 ticks)
        Assert.Equal(term + 1, leader.Core.Term);
    }

    [Fact]
    public void A_grant_that_does_not_carry_the_candidates_term_is_not_a_vote()
    {
        // A stale answer (for an older request whose id collides with ours) must not make a leader.
        var candidate = new RaftCore(new RaftCoreOptions { NodeId = "n1" }, new HardState(4, null), ThreePeers, new InMemoryRaftLog(), 0, 1);
        for (var i = 0; i < 100 && candidate.Role != RaftRole.Candidate; i++)
            candidate.Tick();
        var request = (RequestVoteRequest)candidate.GetReady().MessagesAfterPersist.First(m => m.Peer == "n2").Message;
        candidate.Step(new PeerMessage("n2", new RequestVoteResponse(request.MessageId, request.Term - 1, true)));
        Assert.Equal(RaftRole.Candidate, candidate.Role);
    }

    private static readonly ClusterConfiguration ThreePeers =
        ClusterConfiguration.Final([new PeerInfo("n1", "tcp://1"), new PeerInfo("n2", "tcp://2"), new PeerInfo("n3", "tcp://3")]);

    private static RaftCore NewFollower(string id) => new(new RaftCoreOptions { NodeId = id }, default, ThreePeers, new InMemoryRaftLog(), 0, 1);
}
