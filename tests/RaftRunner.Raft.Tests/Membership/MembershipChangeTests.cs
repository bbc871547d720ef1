using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Tests.Harness;

namespace RaftRunner.Raft.Tests.Membership;

/// <summary>ConfigUpdate and joint consensus (docs/zmq-raft-core-behaviour.md §6.2, scenarios 8–12 and 18 of §10).</summary>
public sealed class MembershipChangeTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static TestCluster Elected(out TestNode leader, int size = 3, int spares = 1, int seed = 1)
    {
        var cluster = new TestCluster(size, seed, spares: spares);
        var members = cluster.Nodes.Values.Where(n => cluster.Configuration.IsMember(n.Id)).ToArray();
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && members.All(n => n.Core.LeaderId is not null));
        leader = cluster.Leaders.Single();
        return cluster;
    }

    internal static MessagePackValue Peers(params int[] nodes) =>
        MessagePackValue.Array(nodes.Select(TestCluster.Peer).Select(p => MessagePackValue.Array(MessagePackValue.From(p.Id), MessagePackValue.From(p.Url))));

    private static ConfigUpdateResponse[] AnswersTo(TestCluster cluster, string token) =>
        cluster.Replies.Where(r => Equals(r.Reply.Token, token)).Select(r => (ConfigUpdateResponse)r.Reply.Response).ToArray();

    private static bool IsFinalConfig(LogEntry e) =>
        e.Type == LogEntryType.Config && ConfigEntryData.TryDecode(e.Data.Span, out var data, out string? _) && !data.IsTransitional;

    private static string[] Ids(IEnumerable<PeerInfo> peers) => peers.Select(p => p.Id).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_config_update_is_accepted_at_once_then_answered_with_the_joint_entry_index_when_Cnew_is_appended()
    {
        var cluster = Elected(out var leader);
        var id = RequestId.New(Now);
        leader.Core.ConfigUpdate("c", id, Peers(1, 2, 3, 4), Now);
        cluster.Flush(leader);
        Assert.Equal([new ConfigUpdateResponse(id, ConfigUpdateStatus.Accepted)], AnswersTo(cluster, "c"));
        var joint = leader.Core.LastIndex;
        Assert.True(leader.Core.Configuration.IsTransitional); // in force as soon as appended
        cluster.RunUntil(() => AnswersTo(cluster, "c").Length == 2);
        Assert.Equal(new ConfigUpdateResponse(id, ConfigUpdateStatus.Accepted, (ulong)joint), AnswersTo(cluster, "c")[1]);
        cluster.RunUntil(() => cluster.Nodes.Values.All(n => !n.Core.Configuration.IsTransitional && n.Core.Configuration.Peers.Count == 4));
        Assert.Equal(RaftRole.Follower, cluster.Nodes["n4"].Core.Role); // the spare joined: CLIENT became FOLLOWER
        var cnew = leader.Log.Entries(joint + 1, joint + 1)[0];
        Assert.Equal(LogEntryType.Config, cnew.Type);
        Assert.True(ConfigEntryData.TryDecode(cnew.Data.Span, out var data, out _));
        Assert.Equal(["n1", "n2", "n3", "n4"], Ids(data.Peers));
        Assert.Equal(joint + 1, leader.Core.Membership.PeersIndex);
    }

    [Fact]
    public void A_node_outside_the_configuration_is_a_client_that_never_starts_an_election()
    {
        var cluster = Elected(out _);
        var spare = cluster.Nodes["n4"];
        cluster.Run(500);
        Assert.Equal(RaftRole.Client, spare.Core.Role);
        Assert.Equal(0ul, spare.Durable.Term);
    }

    [Fact]
    public void While_a_change_is_pending_the_same_request_is_accepted_and_another_is_busy()
    {
        var cluster = Elected(out var leader);
        cluster.Isolate(leader.Id); // Cold,new cannot commit
        var id = RequestId.New(Now);
        leader.Core.ConfigUpdate("c1", id, Peers(1, 2, 3, 4), Now);
        leader.Core.ConfigUpdate("c2", id, Peers(1, 2, 3, 4), Now);
        var other = RequestId.New(Now);
        leader.Core.ConfigUpdate("c3", other, Peers(1, 2), Now);
        cluster.Flush(leader);
        Assert.Equal([new ConfigUpdateResponse(id, ConfigUpdateStatus.Accepted)], AnswersTo(cluster, "c2"));
        Assert.Equal([new ConfigUpdateResponse(other, ConfigUpdateStatus.Busy)], AnswersTo(cluster, "c3"));
    }

    [Fact]
    public void A_retry_after_completion_is_answered_from_the_log_by_commit_index()
    {
        var cluster = Elected(out var leader);
        var id = RequestId.New(Now);
        leader.Core.ConfigUpdate("c1", id, Peers(1, 2, 3, 4), Now);
        cluster.Flush(leader);
        cluster.RunUntil(() => AnswersTo(cluster, "c1").Length == 2);
        var final = AnswersTo(cluster, "c1")[1];
        leader.Core.ConfigUpdate("c2", id, Peers(1, 2, 3, 4), Now.AddHours(20));
        cluster.Flush(leader);
        Assert.Equal([final], AnswersTo(cluster, "c2"));
    }

    [Fact]
    public void Expired_refused_and_not_leader_answers()
    {
        var cluster = Elected(out var leader);
        var follower = cluster.Nodes.Values.First(n => n != leader && cluster.Configuration.IsMember(n.Id));
        var stale = RequestId.New(Now.AddHours(-9));
        leader.Core.ConfigUpdate("old", stale, Peers(1, 2, 3, 4), Now);
        var same = RequestId.New(Now);
        leader.Core.ConfigUpdate("same", same, Peers(1, 2, 3), Now);
        var elsewhere = RequestId.New(Now);
        follower.Core.ConfigUpdate("follower", elsewhere, Peers(1, 2, 3, 4), Now);
        cluster.Flush(leader);
        cluster.Flush(follower);
        Assert.Equal([new ConfigUpdateResponse(stale, ConfigUpdateStatus.Expired)], AnswersTo(cluster, "old"));
        Assert.Equal([new ConfigUpdateResponse(same, ConfigUpdateStatus.ConfigError, ErrorName: "Error", ErrorMessage: "no change in cluster membership")], AnswersTo(cluster, "same"));
        Assert.Equal([new ConfigUpdateResponse(elsewhere, ConfigUpdateStatus.NotLeader, LeaderId: leader.Id)], AnswersTo(cluster, "follower"));
        Assert.False(leader.Core.Configuration.IsTransitional);
    }

    [Fact]
    public void A_leader_not_in_Cnew_keeps_leading_until_Cnew_commits_then_becomes_a_client()
    {
        var cluster = Elected(out var leader);
        var leaderNumber = int.Parse(leader.Id[1..], System.Globalization.CultureInfo.InvariantCulture);
        var others = new[] { 1, 2, 3 }.Where(i => i != leaderNumber).ToArray();
        var id = RequestId.New(Now);
        leader.Core.ConfigUpdate("c", id, Peers([.. others, 4]), Now);
        cluster.Flush(leader);
        var waiting = RequestId.New(Now);
        cluster.Cut(leader.Id, $"n{others[0]}"); // slow the commit so an update is still waiting when it steps down
        cluster.Cut(leader.Id, $"n{others[1]}");
        leader.Core.RequestUpdate("u", waiting, "x"u8.ToArray(), Now);
        cluster.Flush(leader);
        cluster.HealAll();
        cluster.RunUntil(() => leader.Core.Role != RaftRole.Leader);
        Assert.Equal(RaftRole.Client, leader.Core.Role);
        Assert.Null(leader.Core.LeaderId);
        Assert.Equal(2, AnswersTo(cluster, "c").Length);
        Assert.Equal(others.Select(i => $"n{i}").Append("n4").Order(StringComparer.Ordinal).ToArray(), Ids(leader.Core.Configuration.Peers));
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && cluster.Leaders.Single() != leader);
        Assert.NotEqual(leader, cluster.Leaders.Single());
        var update = cluster.Replies.Where(r => Equals(r.Reply.Token, "u")).Select(r => (RequestUpdateResponse)r.Reply.Response).ToArray();
        Assert.Contains(update, r => r.Outcome == RequestUpdateOutcome.Committed || r == RequestUpdateResponse.NotLeader(waiting, null));
        cluster.Run(300);
        Assert.Equal(RaftRole.Client, leader.Core.Role); // never a candidate again
    }

    [Fact]
    public void A_removed_follower_never_gets_Cnew_and_stops_after_one_election()
    {
        var cluster = Elected(out var leader, size: 3, spares: 0);
        var removed = cluster.Nodes.Values.First(n => n != leader);
        var keep = cluster.Nodes.Values.Where(n => n != removed).Select(n => int.Parse(n.Id[1..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        leader.Core.ConfigUpdate("c", RequestId.New(Now), Peers(keep), Now);
        cluster.Flush(leader);
        cluster.RunUntil(() => AnswersTo(cluster, "c").Length == 2);
        var termBefore = removed.Core.Term;
        cluster.Run(1000);
        Assert.True(removed.Core.Configuration.IsTransitional, "the removed node keeps the joint configuration");
        Assert.True(removed.Core.Term <= termBefore + 1, $"term went from {termBefore} to {removed.Core.Term}");
        Assert.All(cluster.Nodes.Values.Where(n => n != removed), n => Assert.Equal(leader.Core.Term, n.Core.Term));
        Assert.Equal(RaftRole.Leader, leader.Core.Role);
    }

    [Fact]
    public void A_truncated_config_entry_is_rolled_back()
    {
        var three = Harness.TestCluster.Peer;
        var initial = Raft.Membership.ClusterConfiguration.Final([three(1), three(2), three(3)]);
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, default, initial, new Raft.Log.InMemoryRaftLog(), 0, 1);
        var joint = ConfigEntryData.Transitional(initial.Peers, [three(1), three(2), three(3), three(4)]);
        var e1 = LogEntry.Create(RequestId.New(Now), LogEntryType.State, 1, "a"u8);
        var cfg = LogEntry.Create(RequestId.New(Now), LogEntryType.Config, 1, joint.Encode());
        follower.Step(new PeerMessage("n1", new AppendEntriesRequest(1, "n1", 1, 0, 0, 0, [e1, cfg])));
        Assert.True(follower.Configuration.IsTransitional);
        Assert.Equal(2, follower.Membership.PeersIndex);
        Assert.Equal(cfg.RequestId, follower.Membership.UpdateRequest);
        // A leader of term 2 that never had entry 2 overwrites it: the configuration goes back.
        var other = LogEntry.Create(RequestId.New(Now), LogEntryType.State, 2, "b"u8);
        follower.Step(new PeerMessage("n3", new AppendEntriesRequest(1, "n3", 2, 1, 1, 0, [other])));
        Assert.False(follower.Configuration.IsTransitional);
        Assert.Equal(["n1", "n2", "n3"], Ids(follower.Configuration.Peers));
        Assert.Null(follower.Membership.PeersIndex);
        var ready = follower.GetReady();
        Assert.Equal(follower.Membership, ready.Membership);
    }

    [Fact]
    public void Only_the_last_config_entry_of_a_batch_takes_effect_and_an_older_one_never_does()
    {
        var peer = Harness.TestCluster.Peer;
        var initial = Raft.Membership.ClusterConfiguration.Final([peer(1), peer(2), peer(3)]);
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, default, initial, new Raft.Log.InMemoryRaftLog(), 0, 1);
        var joint = ConfigEntryData.Transitional(initial.Peers, [peer(1), peer(2), peer(3), peer(4)]);
        var final = ConfigEntryData.Final([peer(1), peer(2), peer(3), peer(4)]);
        var c1 = LogEntry.Create(RequestId.New(Now), LogEntryType.Config, 1, joint.Encode());
        var c2 = LogEntry.Create(RequestId.New(Now), LogEntryType.Config, 1, final.Encode());
        follower.Step(new PeerMessage("n1", new AppendEntriesRequest(1, "n1", 1, 0, 0, 0, [c1, c2])));
        Assert.False(follower.Configuration.IsTransitional);
        Assert.Equal(4, follower.Configuration.Peers.Count);
        Assert.Equal(2, follower.Membership.PeersIndex);
    }

    [Fact]
    public void A_new_change_before_Cnew_commits_is_busy()
    {
        var cluster = Elected(out var leader, size: 3, spares: 1);
        cluster.Drop = (from, _, message) => from == leader.Id && message is AppendEntriesRequest ae && ae.Entries.Any(IsFinalConfig);
        leader.Core.ConfigUpdate("c1", RequestId.New(Now), Peers(1, 2, 3, 4), Now);
        cluster.Flush(leader);
        cluster.RunUntil(() => AnswersTo(cluster, "c1").Length == 2); // Cnew appended, not committed
        Assert.False(leader.Core.Configuration.IsTransitional);
        var next = RequestId.New(Now);
        leader.Core.ConfigUpdate("c2", next, Peers(1, 2, 3), Now);
        cluster.Flush(leader);
        Assert.Equal([new ConfigUpdateResponse(next, ConfigUpdateStatus.Busy)], AnswersTo(cluster, "c2"));
        cluster.Drop = null;
        cluster.RunUntil(() => leader.Core.CommitIndex == leader.Core.LastIndex);
        leader.Core.ConfigUpdate("c3", next, Peers(1, 2, 3), Now);
        cluster.Flush(leader);
        Assert.Equal([new ConfigUpdateResponse(next, ConfigUpdateStatus.Accepted)], AnswersTo(cluster, "c3"));
    }

    [Fact]
    public void A_snapshot_that_records_a_configuration_gives_it_to_the_follower_that_installs_it()
    {
        var peer = Harness.TestCluster.Peer;
        var initial = Raft.Membership.ClusterConfiguration.Final([peer(1), peer(2), peer(3)]);
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, default, initial, new Raft.Log.InMemoryRaftLog(), 0, 1);
        follower.Step(new PeerMessage("n1", new InstallSnapshotRequest(1, "n1", 2, 10, 2, 0, 1, new byte[] { 1 })));
        _ = follower.GetReady();
        var recorded = Raft.Membership.ClusterConfiguration.Final([peer(1), peer(2), peer(4)]);
        follower.RestoreMembershipFromSnapshot(10, recorded);
        Assert.Equal(["n1", "n2", "n4"], Ids(follower.Configuration.Peers));
        Assert.Equal(10, follower.Membership.PeersIndex);
        Assert.Same(recorded, follower.Membership.Committed);
        Assert.Equal(follower.Membership, follower.GetReady().Membership);
    }

    [Fact]
    public void A_new_leader_that_inherits_a_committed_joint_configuration_moves_on_to_Cnew()
    {
        var cluster = Elected(out var leader, size: 3, spares: 1);
        var id = RequestId.New(Now);
        // Cnew must not leave the leader: drop every AppendEntries carrying it.
        cluster.Drop = (from, _, message) => from == leader.Id && message is AppendEntriesRequest ae && ae.Entries.Any(IsFinalConfig);
        leader.Core.ConfigUpdate("c", id, Peers(1, 2, 3, 4), Now);
        cluster.Flush(leader);
        cluster.RunUntil(() => AnswersTo(cluster, "c").Length == 2
            && cluster.Nodes.Values.Where(n => n != leader).All(n => n.Core.CommitIndex >= leader.Core.Membership.PeersIndex - 1));
        cluster.Isolate(leader.Id);
        cluster.Drop = null;
        cluster.RunUntil(() => cluster.Leaders.Any(l => l != leader));
        var next = cluster.Leaders.Single(l => l != leader);
        cluster.RunUntil(() => !next.Core.Configuration.IsTransitional && next.Core.CommitIndex == next.Core.LastIndex);
        Assert.Equal(["n1", "n2", "n3", "n4"], Ids(next.Core.Configuration.Peers));
    }
}
