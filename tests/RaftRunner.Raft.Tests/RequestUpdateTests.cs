using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Tests.Harness;

namespace RaftRunner.Raft.Tests;

/// <summary>RequestUpdate's idempotency and answers (docs/zmq-raft-core-behaviour.md §6.1, RAFT.md "Update idempotency").</summary>
public sealed class RequestUpdateTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static TestCluster Elected(out TestNode leader)
    {
        var cluster = new TestCluster(3);
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && cluster.Nodes.Values.All(n => n.Core.LeaderId is not null));
        leader = cluster.Leaders.Single();
        return cluster;
    }

    private static RequestUpdateResponse[] AnswersTo(TestCluster cluster, string token) =>
        cluster.Replies.Where(r => (string)r.Reply.Token == token).Select(r => (RequestUpdateResponse)r.Reply.Response).ToArray();

    [Fact]
    public void A_follower_answers_not_leader_and_names_the_leader()
    {
        var cluster = Elected(out var leader);
        var follower = cluster.Nodes.Values.First(n => n != leader);
        var id = RequestId.New(Now);
        Assert.True(follower.Core.RequestUpdate("c1", id, "x"u8.ToArray(), Now));
        cluster.Flush(follower);
        Assert.Equal([RequestUpdateResponse.NotLeader(id, leader.Id)], AnswersTo(cluster, "c1"));
    }

    [Fact]
    public void The_leader_accepts_at_once_and_confirms_with_the_index_once_applied()
    {
        var cluster = Elected(out var leader);
        var id = RequestId.New(Now);
        leader.Core.RequestUpdate("c1", id, "x"u8.ToArray(), Now);
        cluster.Flush(leader);
        Assert.Equal([RequestUpdateResponse.Accepted(id)], AnswersTo(cluster, "c1"));
        cluster.RunUntil(() => AnswersTo(cluster, "c1").Length == 2);
        var committed = AnswersTo(cluster, "c1")[1];
        Assert.Equal(RequestUpdateOutcome.Committed, committed.Outcome);
        Assert.True(leader.Core.LastApplied >= (long)committed.Index);
        Assert.Equal(id, leader.Log.Entries((long)committed.Index, (long)committed.Index)[0].RequestId);
    }

    [Fact]
    public void A_repeat_while_pending_is_accepted_and_not_appended_twice()
    {
        var cluster = Elected(out var leader);
        var id = RequestId.New(Now);
        leader.Core.RequestUpdate("c1", id, "x"u8.ToArray(), Now);
        var last = leader.Core.LastIndex;
        leader.Core.RequestUpdate("c2", id, "x"u8.ToArray(), Now);
        Assert.Equal(last, leader.Core.LastIndex);
        cluster.Flush(leader);
        Assert.Equal([RequestUpdateResponse.Accepted(id)], AnswersTo(cluster, "c2"));
    }

    [Fact]
    public void A_repeat_after_commit_answers_the_original_index()
    {
        var cluster = Elected(out var leader);
        var id = RequestId.New(Now);
        leader.Core.RequestUpdate("c1", id, "x"u8.ToArray(), Now);
        cluster.Flush(leader);
        cluster.RunUntil(() => AnswersTo(cluster, "c1").Length == 2);
        var original = AnswersTo(cluster, "c1")[1].Index;
        var last = leader.Core.LastIndex;
        leader.Core.RequestUpdate("c2", id, "x"u8.ToArray(), Now.AddHours(20)); // even long after: the cache answers
        cluster.Flush(leader);
        Assert.Equal([RequestUpdateResponse.Committed(id, original)], AnswersTo(cluster, "c2"));
        Assert.Equal(last, leader.Core.LastIndex);
    }

    [Fact]
    public void The_accept_window_is_inclusive_at_both_ends()
    {
        var cluster = Elected(out var leader);
        var ttl = TimeSpan.FromHours(8);
        var margin = TimeSpan.FromMinutes(15);
        var oldest = RequestId.New(Now - ttl + margin);
        var newest = RequestId.New(Now + margin);
        var tooOld = RequestId.New(Now - ttl + margin - TimeSpan.FromSeconds(1));
        var tooNew = RequestId.New(Now + margin + TimeSpan.FromSeconds(1));
        foreach (var (token, id) in new[] { ("oldest", oldest), ("newest", newest), ("tooOld", tooOld), ("tooNew", tooNew) })
            leader.Core.RequestUpdate(token, id, "x"u8.ToArray(), Now);
        cluster.Flush(leader);
        Assert.Equal(RequestUpdateOutcome.Accepted, AnswersTo(cluster, "oldest")[0].Outcome);
        Assert.Equal(RequestUpdateOutcome.Accepted, AnswersTo(cluster, "newest")[0].Outcome);
        Assert.Equal([RequestUpdateResponse.Expired(tooOld)], AnswersTo(cluster, "tooOld"));
        Assert.Equal([RequestUpdateResponse.Expired(tooNew)], AnswersTo(cluster, "tooNew"));
    }

    [Fact]
    public void Empty_or_oversized_data_is_dropped_without_an_answer()
    {
        var cluster = new TestCluster(3, configure: o => o with { MaxLogEntryDataSize = 4 });
        cluster.RunUntil(() => cluster.Leaders.Count() == 1);
        var leader = cluster.Leaders.Single();
        Assert.False(leader.Core.RequestUpdate("c1", RequestId.New(Now), ReadOnlyMemory<byte>.Empty, Now));
        Assert.False(leader.Core.RequestUpdate("c2", RequestId.New(Now), new byte[5], Now));
        cluster.Flush(leader);
        Assert.Empty(cluster.Replies);
    }

    [Fact]
    public void A_retry_after_a_leader_change_is_answered_from_the_log_and_not_applied_twice()
    {
        var cluster = Elected(out var first);
        var id = RequestId.New(Now);
        first.Core.RequestUpdate("c1", id, "once"u8.ToArray(), Now);
        cluster.Flush(first);
        // The entry reaches the followers, then the leader is cut off before anyone hears it committed.
        cluster.RunUntil(() => cluster.Nodes.Values.All(n => n.Core.LastIndex >= first.Core.LastIndex), 200);
        cluster.Isolate(first.Id);
        cluster.RunUntil(() => cluster.Leaders.Any(l => l != first && l.Core.Term > first.Core.Term));
        var second = cluster.Leaders.Single(l => l != first && l.Core.Term > first.Core.Term);
        second.Core.RequestUpdate("retry", id, "once"u8.ToArray(), Now);
        cluster.Flush(second);
        cluster.RunUntil(() => AnswersTo(cluster, "retry").Any(a => a.Outcome == RequestUpdateOutcome.Committed));
        var index = AnswersTo(cluster, "retry").Single(a => a.Outcome == RequestUpdateOutcome.Committed).Index;
        Assert.Equal(id, second.Log.Entries((long)index, (long)index)[0].RequestId);
        Assert.Single(second.Applied, e => e.RequestId == id);
    }

    [Fact]
    public void A_leader_that_steps_down_tells_its_waiting_clients()
    {
        var cluster = Elected(out var leader);
        foreach (var f in cluster.Nodes.Keys.Where(k => k != leader.Id))
            cluster.Isolate(f);
        var id = RequestId.New(Now);
        leader.Core.RequestUpdate("c1", id, "x"u8.ToArray(), Now);
        cluster.Flush(leader);
        var other = cluster.Nodes.Keys.First(k => k != leader.Id);
        leader.Core.Step(new PeerMessage(other, new RequestVoteRequest(1, other, leader.Core.Term + 1, 999, leader.Core.Term + 1)));
        cluster.Flush(leader);
        Assert.Equal(RequestUpdateResponse.NotLeader(id, null), AnswersTo(cluster, "c1")[^1]);
    }
}
