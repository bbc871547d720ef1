using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;
using RaftRunner.Raft.Tests.Harness;

namespace RaftRunner.Raft.Tests;

/// <summary>Log replication and commitment (Raft §5.3–5.4) as zmq-raft does them (docs/zmq-raft-core-behaviour.md §3–4).</summary>
public sealed class ReplicationTests
{
    private static LogEntry State(ulong term, byte value) => LogEntry.Create(RequestId.Zero, LogEntryType.State, term, [value]);

    private static TestCluster ElectedCluster(int size = 3, int seed = 1)
    {
        var cluster = new TestCluster(size, seed);
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && cluster.Nodes.Values.All(n => n.Core.LeaderId is not null));
        return cluster;
    }

    [Fact]
    public void A_proposed_entry_reaches_every_log_and_commits_everywhere()
    {
        var cluster = ElectedCluster();
        var leader = cluster.Leaders.Single();
        var index = leader.Core.Propose(State(leader.Core.Term, 42));
        cluster.Flush(leader);
        cluster.RunUntil(() => cluster.Nodes.Values.All(n => n.Core.CommitIndex >= index));
        Assert.All(cluster.Nodes.Values, n => Assert.Equal(42, n.Log.Entries(index, index)[0].Data.Span[0]));
    }

    [Fact]
    public void An_entry_commits_with_a_majority_while_a_minority_is_cut_off()
    {
        var cluster = ElectedCluster(5);
        var leader = cluster.Leaders.Single();
        var followers = cluster.Nodes.Keys.Where(k => k != leader.Id).ToArray();
        cluster.Isolate(followers[0]);
        cluster.Isolate(followers[1]);
        var index = leader.Core.Propose(State(leader.Core.Term, 1));
        cluster.Flush(leader);
        cluster.RunUntil(() => leader.Core.CommitIndex >= index);
        Assert.Equal(0, cluster.Nodes[followers[0]].Core.CommitIndex);
    }

    [Fact]
    public void Without_a_majority_nothing_commits()
    {
        var cluster = ElectedCluster(5);
        var leader = cluster.Leaders.Single();
        foreach (var f in cluster.Nodes.Keys.Where(k => k != leader.Id).Take(3))
            cluster.Isolate(f);
        var index = leader.Core.Propose(State(leader.Core.Term, 1));
        cluster.Flush(leader);
        cluster.Run(300);
        Assert.True(leader.Core.CommitIndex < index);
    }

    [Fact]
    public void A_lagging_follower_is_caught_up_after_it_reconnects()
    {
        var cluster = ElectedCluster();
        var leader = cluster.Leaders.Single();
        var lagging = cluster.Nodes.Keys.First(k => k != leader.Id);
        cluster.Isolate(lagging);
        long last = 0;
        for (byte i = 0; i < 50; i++)
        {
            last = leader.Core.Propose(State(leader.Core.Term, i));
            cluster.Flush(leader);
            cluster.Run(1);
        }
        cluster.HealAll();
        cluster.RunUntil(() => cluster.Nodes[lagging].Core.CommitIndex >= last, 5000);
        Assert.Equal(leader.Log.Entries(1, last).Select(e => e.Raw.ToArray()), cluster.Nodes[lagging].Log.Entries(1, last).Select(e => e.Raw.ToArray()));
    }

    [Fact]
    public void A_new_leader_with_uncommitted_entries_of_an_older_term_appends_a_CHECKPOINT()
    {
        // Every node holds an uncommitted entry of term 1; whoever wins term 2 can only commit it under an
        // entry of its own term, so it appends a CHECKPOINT (RAFT.md "Checkpointing", spec §4).
        var peers = new[] { new PeerInfo("n1", "tcp://1"), new PeerInfo("n2", "tcp://2"), new PeerInfo("n3", "tcp://3") };
        var config = ClusterConfiguration.Final(peers);
        var nodes = new Dictionary<string, RaftCore>();
        var logs = new Dictionary<string, InMemoryRaftLog>();
        foreach (var p in peers)
        {
            var log = new InMemoryRaftLog();
            log.Write(0, [State(1, 7)]);
            logs[p.Id] = log;
            nodes[p.Id] = new RaftCore(new RaftCoreOptions { NodeId = p.Id }, new HardState(1, null), config, log, commitIndex: 0, seed: p.Id[^1]);
        }
        var n1 = nodes["n1"];
        for (var i = 0; i < 100 && n1.Role != RaftRole.Candidate; i++)
            n1.Tick();
        var votes = n1.GetReady().MessagesAfterPersist;
        foreach (var v in votes)
        {
            var voter = nodes[v.Peer];
            voter.Step(new PeerMessage("n1", v.Message));
            foreach (var answer in voter.GetReady().MessagesAfterPersist)
                n1.Step(new PeerMessage(v.Peer, answer.Message));
        }
        Assert.Equal(RaftRole.Leader, n1.Role);
        Assert.Equal(2L, n1.LastIndex);
        var ready = n1.GetReady();
        var checkpoint = Assert.Single(ready.LogWrite!.Entries);
        Assert.Equal(LogEntryType.Checkpoint, checkpoint.Type);
        Assert.Equal(n1.Term, checkpoint.Term);
    }

    [Fact]
    public void The_RAFT_md_checkpointing_scenario_commits_the_old_entry_under_a_checkpoint_and_answers_the_client_after_apply()
    {
        // RAFT.md "Checkpointing": A leads; B and C go down; a client's update reaches A, which cannot commit it;
        // A restarts (its state machine has applied nothing new), B and C come back, A wins the next term.
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var first = new TestCluster(3, seed: 3);
        first.RunUntil(() => first.Leaders.Count() == 1 && first.Nodes.Values.All(n => n.Core.LeaderId is not null));
        var a = first.Leaders.Single();
        first.Isolate(a.Id);
        var id = RequestId.New(now);
        a.Core.RequestUpdate("client", id, "update"u8.ToArray(), now);
        first.Flush(a);
        Assert.Equal(1L, a.Core.LastIndex);
        Assert.Equal(0L, a.Core.CommitIndex);

        var restarted = new TestCluster(first.Nodes.ToDictionary(
            kv => kv.Key,
            kv => (kv.Value.Durable, kv.Value.Log.LastIndex == 0 ? Array.Empty<LogEntry>() : kv.Value.Log.Entries(1, kv.Value.Log.LastIndex).ToArray(), 0L)));
        var others = restarted.Nodes.Keys.Where(k => k != a.Id).ToArray();
        restarted.Cut(others[0], others[1]); // B and C can only elect A
        restarted.RunUntil(() => restarted.Nodes[a.Id].Core.Role == RaftRole.Leader);
        var leader = restarted.Nodes[a.Id];
        var checkpoint = leader.Log.Entries(2, 2)[0];
        Assert.Equal(LogEntryType.Checkpoint, checkpoint.Type);
        Assert.Equal(leader.Core.Term, checkpoint.Term);
        Assert.Equal(LogEntry.CheckpointData.ToArray(), checkpoint.Data.ToArray());
        restarted.RunUntil(() => leader.Core.LastApplied == 2);
        // The client retries at the new leader: the entry is found by its request id, applied, answered with index 1.
        leader.Core.RequestUpdate("retry", id, "update"u8.ToArray(), now);
        restarted.Flush(leader);
        Assert.Contains(restarted.Replies, r => Equals(r.Reply.Token, "retry") && Equals(r.Reply.Response, RequestUpdateResponse.Committed(id, 1)));
        Assert.Equal(2L, leader.Core.LastIndex); // nothing appended twice
    }

    [Fact]
    public void A_follower_stops_rather_than_replace_a_committed_entry()
    {
        var log = new InMemoryRaftLog();
        log.Write(0, [State(1, 1), State(1, 2)]);
        var config = ClusterConfiguration.Final([new PeerInfo("n1", "tcp://1"), new PeerInfo("n2", "tcp://2")]);
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, new HardState(2, null), config, log, commitIndex: 2, seed: 1);
        var fatal = Assert.Throws<RaftFatalException>(() =>
            follower.Step(new PeerMessage("n1", new AppendEntriesRequest(1, "n1", 2, 1, 1, 2, [State(2, 9)]))));
        Assert.Contains("refusing to truncate below the commit index", fatal.Message);
    }

    [Fact]
    public void A_late_AppendEntries_below_the_commit_index_whose_entries_match_is_harmless()
    {
        // zmq-raft would stop here (spec Q3); a delayed or resent message must not take a healthy node down.
        var log = new InMemoryRaftLog();
        log.Write(0, [State(1, 1), State(1, 2), State(1, 3)]);
        var config = ClusterConfiguration.Final([new PeerInfo("n1", "tcp://1"), new PeerInfo("n2", "tcp://2")]);
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, new HardState(1, null), config, log, commitIndex: 3, seed: 1);
        follower.Step(new PeerMessage("n1", new AppendEntriesRequest(1, "n1", 1, 0, 0, 1, [State(1, 1)])));
        var ready = follower.GetReady();
        Assert.Null(ready.LogWrite); // nothing truncated, nothing rewritten
        Assert.Equal(new AppendEntriesResponse(1, 1, true), Assert.Single(ready.MessagesAfterPersist).Message);
        Assert.Equal(3, follower.CommitIndex);
        Assert.Equal(3, follower.LastIndex);
    }

    [Fact]
    public void A_conflicting_uncommitted_tail_is_replaced()
    {
        var log = new InMemoryRaftLog();
        log.Write(0, [State(1, 1), State(1, 2), State(1, 3)]);
        var config = ClusterConfiguration.Final([new PeerInfo("n1", "tcp://1"), new PeerInfo("n2", "tcp://2")]);
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, new HardState(2, null), config, log, commitIndex: 1, seed: 1);
        follower.Step(new PeerMessage("n1", new AppendEntriesRequest(1, "n1", 2, 1, 1, 1, [State(1, 2), State(2, 7)])));
        var write = follower.GetReady().LogWrite!;
        Assert.Equal(2, write.TruncateAfter); // index 2 matched and stays; index 3 conflicted
        Assert.Equal(7, Assert.Single(write.Entries).Data.Span[0]);
    }

    [Fact]
    public void A_follower_with_a_short_log_answers_with_the_index_to_continue_from()
    {
        var config = ClusterConfiguration.Final([new PeerInfo("n1", "tcp://1"), new PeerInfo("n2", "tcp://2")]);
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, new HardState(1, null), config, new InMemoryRaftLog(), 0, 1);
        follower.Step(new PeerMessage("n1", new AppendEntriesRequest(1, "n1", 1, 10, 1, 0, [])));
        var answer = (AppendEntriesResponse)Assert.Single(follower.GetReady().MessagesAfterPersist).Message;
        Assert.Equal(new AppendEntriesResponse(1, 1, false, 1, null), answer);
    }

    [Fact]
    public void A_duplicate_AppendEntries_is_answered_with_the_previous_answer_and_not_applied_again()
    {
        var config = ClusterConfiguration.Final([new PeerInfo("n1", "tcp://1"), new PeerInfo("n2", "tcp://2")]);
        var log = new InMemoryRaftLog();
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, default, config, log, 0, 1);
        var request = new AppendEntriesRequest(5, "n1", 1, 0, 0, 0, [State(1, 9)]);
        follower.Step(new PeerMessage("n1", request));
        var first = follower.GetReady();
        log.Write(first.LogWrite!.TruncateAfter, first.LogWrite.Entries);
        follower.Advance(first);
        follower.Step(new PeerMessage("n1", request));
        var second = follower.GetReady();
        Assert.Null(second.LogWrite);
        Assert.Equal(first.MessagesAfterPersist.Single().Message, Assert.Single(second.MessagesNow).Message);
    }

    [Fact]
    public void Entries_of_one_message_stay_within_the_peer_message_data_size_but_at_least_one_is_sent()
    {
        var cluster = new TestCluster(3, configure: o => o with { PeerMessageDataSize = 100 });
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && cluster.Nodes.Values.All(n => n.Core.LeaderId is not null));
        var leader = cluster.Leaders.Single();
        for (byte i = 0; i < 10; i++)
            leader.Core.Propose(LogEntry.Create(RequestId.Zero, LogEntryType.State, leader.Core.Term, new byte[60]));
        cluster.Flush(leader);
        cluster.RunUntil(() => cluster.Nodes.Values.All(n => n.Core.CommitIndex == leader.Core.LastIndex));
        var batches = cluster.Sent.Select(s => s.Message).OfType<AppendEntriesRequest>().Where(r => r.Entries.Count > 0).ToList();
        Assert.All(batches, b => Assert.Single(b.Entries)); // 80-byte entries: only one fits in 100 bytes
    }
}
