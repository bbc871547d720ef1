using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;
using RaftRunner.Raft.Tests.Harness;

namespace RaftRunner.Raft.Tests;

/// <summary>InstallSnapshot (docs/zmq-raft-core-behaviour.md §5, scenario 14 of §10) and applying a snapshot (§7).</summary>
public sealed class SnapshotTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    /// <summary>Three nodes with small messages; one follower cut off while the leader commits and compacts.</summary>
    private static TestCluster LaggingFollower(out TestNode leader, out TestNode lagging, int entries = 20, int padding = 1000)
    {
        var cluster = new TestCluster(3, configure: o => o with { PeerMessageDataSize = 300 });
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && cluster.Nodes.Values.All(n => n.Core.LeaderId is not null));
        var theLeader = cluster.Leaders.Single();
        lagging = cluster.Nodes.Values.First(n => n != theLeader);
        cluster.Isolate(lagging.Id);
        for (var i = 0; i < entries; i++)
            theLeader.Core.RequestUpdate($"u{i}", RequestId.New(Now), new[] { (byte)i }, Now);
        cluster.Flush(theLeader);
        cluster.RunUntil(() => theLeader.Core.LastApplied == theLeader.Core.LastIndex);
        theLeader.Compact(padding);
        leader = theLeader;
        return cluster;
    }

    [Fact]
    public void A_follower_behind_the_leaders_first_index_gets_the_snapshot_in_chunks_then_the_entries()
    {
        var cluster = LaggingFollower(out var leader, out var lagging);
        var snapshotIndex = leader.Log.SnapshotIndex;
        leader.Core.RequestUpdate("after", RequestId.New(Now), "z"u8.ToArray(), Now);
        cluster.Flush(leader);
        cluster.HealAll();
        cluster.RunUntil(() => lagging.Core.LastApplied == leader.Core.LastApplied && leader.Core.LastApplied == leader.Core.LastIndex);
        var chunks = cluster.Sent.Where(m => m.To == lagging.Id && m.Message is InstallSnapshotRequest).Select(m => (InstallSnapshotRequest)m.Message).DistinctBy(r => r.Offset).ToArray();
        Assert.True(chunks.Length >= 4, $"{chunks.Length} chunks");
        Assert.All(chunks, c => Assert.True(c.Chunk.Length <= 300));
        Assert.Equal(snapshotIndex, lagging.Log.SnapshotIndex);
        Assert.Equal([new SnapshotInstall(snapshotIndex, leader.Log.SnapshotTerm, true)], lagging.RestoredSnapshots);
        Assert.Equal(leader.Applied.Select(e => e.Raw.ToArray()), lagging.Applied.Select(e => e.Raw.ToArray()));
        Assert.Equal(leader.Log.ReadSnapshot(0, (int)leader.Log.SnapshotSize).ToArray(), lagging.Log.ReadSnapshot(0, (int)lagging.Log.SnapshotSize).ToArray());
    }

    [Fact]
    public void Installing_moves_neither_the_commit_index_nor_the_state_machine_until_the_next_append_entries()
    {
        var peer = TestCluster.Peer;
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, default, ClusterConfiguration.Final([peer(1), peer(2), peer(3)]), new InMemoryRaftLog(), 0, 1);
        follower.Step(new PeerMessage("n1", new InstallSnapshotRequest(1, "n1", 3, 10, 2, 0, 4, new byte[] { 1, 2, 3, 4 })));
        var ready = follower.GetReady();
        Assert.Equal([new SnapshotChunkWrite(10, 2, 4, 0, new byte[] { 1, 2, 3, 4 })], ready.SnapshotWrites, new ChunkComparer());
        Assert.Equal(new SnapshotInstall(10, 2, KeepLogAfter: false), ready.LogWrite!.InstallSnapshot);
        Assert.Null(ready.SnapshotToApply);
        Assert.Equal(0, follower.CommitIndex);
        Assert.Equal([new PeerMessage("n1", new InstallSnapshotResponse(1, 3))], ready.MessagesAfterPersist);
        Assert.Equal(10, follower.LastIndex);
        follower.Step(new PeerMessage("n1", new AppendEntriesRequest(2, "n1", 3, 10, 2, 10, [])));
        ready = follower.GetReady();
        Assert.Equal(new SnapshotInstall(10, 2, true), ready.SnapshotToApply);
        Assert.Equal(10, follower.CommitIndex);
    }

    [Fact]
    public void A_chunk_that_does_not_follow_on_is_not_written_and_the_leader_is_told_where_to_resume()
    {
        var peer = TestCluster.Peer;
        var follower = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, default, ClusterConfiguration.Final([peer(1), peer(2), peer(3)]), new InMemoryRaftLog(), 0, 1);
        follower.Step(new PeerMessage("n1", new InstallSnapshotRequest(1, "n1", 3, 10, 2, 0, 9, new byte[] { 1, 2, 3 })));
        follower.Step(new PeerMessage("n1", new InstallSnapshotRequest(2, "n1", 3, 10, 2, 3, 9, new byte[] { 4, 5, 6 })));
        _ = follower.GetReady();
        // The leader was re-elected and starts again from 0: the follower asks it to continue from 6.
        follower.Step(new PeerMessage("n1", new InstallSnapshotRequest(3, "n1", 4, 10, 2, 0, 9, new byte[] { 1, 2, 3 })));
        var ready = follower.GetReady();
        Assert.Empty(ready.SnapshotWrites);
        Assert.Equal([new PeerMessage("n1", new InstallSnapshotResponse(3, 4, 6))], ready.MessagesAfterPersist);
        // A different snapshot starts over.
        follower.Step(new PeerMessage("n1", new InstallSnapshotRequest(4, "n1", 4, 12, 4, 0, 2, new byte[] { 7, 8 })));
        ready = follower.GetReady();
        Assert.Equal(12, Assert.Single(ready.SnapshotWrites).Index);
        Assert.Equal(new SnapshotInstall(12, 4, false), ready.LogWrite!.InstallSnapshot);
    }

    [Fact]
    public void The_leader_resumes_from_the_offset_the_follower_returns()
    {
        var cluster = LaggingFollower(out var leader, out var lagging);
        // Lose every answer to the third chunk once, then re-elect nothing: just check the leader follows the hint.
        cluster.HealAll();
        cluster.RunUntil(() => cluster.Sent.Count(m => m.To == lagging.Id && m.Message is InstallSnapshotRequest) >= 2);
        var before = cluster.Sent.Count;
        // Forge a follower answer asking for offset 0 again, as a follower that lost its temporary snapshot would.
        var pending = cluster.Sent.Last(m => m.To == lagging.Id && m.Message is InstallSnapshotRequest);
        var request = (InstallSnapshotRequest)pending.Message;
        leader.Core.Step(new PeerMessage(lagging.Id, new InstallSnapshotResponse(request.MessageId, leader.Core.Term, 0)));
        cluster.Flush(leader);
        var next = cluster.Sent.Skip(before).Select(m => m.Message).OfType<InstallSnapshotRequest>().FirstOrDefault();
        Assert.Equal(0ul, next.Offset);
        Assert.NotEqual(request.MessageId, next.MessageId);
    }

    [Fact]
    public void A_snapshot_installed_while_entries_are_in_flight_brings_the_follower_to_the_same_state()
    {
        // A follower catches up batch by batch; while one batch is in flight (lost and resent), the leader
        // compacts past what the follower has, so what follows that batch must come as a snapshot.
        var cluster = new TestCluster(3, configure: o => o with { PeerMessageDataSize = 100 });
        cluster.RunUntil(() => cluster.Leaders.Count() == 1 && cluster.Nodes.Values.All(n => n.Core.LeaderId is not null));
        var leader = cluster.Leaders.Single();
        var lagging = cluster.Nodes.Values.First(n => n != leader);
        cluster.Isolate(lagging.Id);
        for (var i = 0; i < 30; i++)
            leader.Core.RequestUpdate($"u{i}", RequestId.New(Now), new[] { (byte)i }, Now);
        cluster.Flush(leader);
        cluster.RunUntil(() => leader.Core.LastApplied == leader.Core.LastIndex);
        static bool Late(object m) => m is AppendEntriesRequest { Entries.Count: > 0 } ae && (long)ae.PrevLogIndex >= 8;
        cluster.Drop = (_, to, m) => to == lagging.Id && Late(m);
        cluster.HealAll();
        cluster.RunUntil(() => lagging.Core.LastIndex >= 8 && cluster.Sent.Any(m => m.To == lagging.Id && Late(m.Message)));
        var inFlight = (AppendEntriesRequest)cluster.Sent.Last(m => m.To == lagging.Id && Late(m.Message)).Message;
        Assert.True(leader.Log.SnapshotIndex < (long)inFlight.PrevLogIndex);
        leader.Compact(); // the entries after the in-flight batch now exist only in the snapshot
        Assert.True(leader.Log.SnapshotIndex > (long)inFlight.PrevLogIndex + inFlight.Entries.Count);
        cluster.Drop = null;
        cluster.RunUntil(() => lagging.Core.LastApplied == leader.Core.LastApplied);
        Assert.Contains(cluster.Sent, m => m.To == lagging.Id && m.Message is InstallSnapshotRequest);
        Assert.Equal(leader.Log.SnapshotIndex, lagging.Log.SnapshotIndex);
        Assert.Equal(leader.Applied.Select(e => e.Raw.ToArray()), lagging.Applied.Select(e => e.Raw.ToArray()));
        Assert.Equal(leader.Core.LastIndex, lagging.Core.LastIndex);
    }

    [Fact]
    public void A_snapshot_matching_the_log_keeps_the_tail_and_a_mismatch_discards_the_log_and_its_request_ids()
    {
        var peer = TestCluster.Peer;
        var config = ClusterConfiguration.Final([peer(1), peer(2), peer(3)]);
        var ids = Enumerable.Range(0, 4).Select(_ => RequestId.New(Now)).ToArray();
        InMemoryRaftLog Log()
        {
            var log = new InMemoryRaftLog();
            log.Write(0, ids.Select((id, i) => LogEntry.Create(id, LogEntryType.State, 1, new[] { (byte)i })).ToArray());
            return log;
        }
        var keepLog = Log();
        var keeping = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, new HardState(1, null), config, keepLog, 0, 1);
        keeping.Step(new PeerMessage("n1", new InstallSnapshotRequest(1, "n1", 1, 2, 1, 0, 1, new byte[] { 9 })));
        var ready = keeping.GetReady();
        Assert.Equal(new SnapshotInstall(2, 1, true), ready.LogWrite!.InstallSnapshot);
        Assert.Equal(4, keeping.LastIndex);
        var store = new Simulation.DurableStore(config);
        store.Log.Write(0, Log().Entries(1, 4));
        foreach (var chunk in ready.SnapshotWrites)
            store.WriteChunk(chunk);
        store.Write(ready.LogWrite);
        Assert.Equal((2L, 4L), (store.Log.SnapshotIndex, store.Log.LastIndex));
        Assert.True(store.Log.TryGetRequestIndex(ids[0], out _)); // compaction keeps the request-id cache

        var discarding = new RaftCore(new RaftCoreOptions { NodeId = "n2" }, new HardState(1, null), config, Log(), 0, 1);
        discarding.Step(new PeerMessage("n1", new InstallSnapshotRequest(1, "n1", 2, 2, 2, 0, 1, new byte[] { 9 })));
        ready = discarding.GetReady();
        Assert.Equal(new SnapshotInstall(2, 2, false), ready.LogWrite!.InstallSnapshot);
        Assert.Equal(2, discarding.LastIndex);
        Assert.Equal(2ul, discarding.LastTerm);
        var other = new Simulation.DurableStore(config);
        other.Log.Write(0, Log().Entries(1, 4));
        foreach (var chunk in ready.SnapshotWrites)
            other.WriteChunk(chunk);
        other.Write(ready.LogWrite);
        Assert.Equal((2L, 2L), (other.Log.SnapshotIndex, other.Log.LastIndex));
        Assert.False(other.Log.TryGetRequestIndex(ids[3], out _));
    }

    private sealed class ChunkComparer : IEqualityComparer<SnapshotChunkWrite>
    {
        public bool Equals(SnapshotChunkWrite? x, SnapshotChunkWrite? y) =>
            x is not null && y is not null && (x.Index, x.Term, x.TotalSize, x.Offset) == (y.Index, y.Term, y.TotalSize, y.Offset) && x.Chunk.Span.SequenceEqual(y.Chunk.Span);

        public int GetHashCode(SnapshotChunkWrite obj) => obj.Index.GetHashCode();
    }
}
