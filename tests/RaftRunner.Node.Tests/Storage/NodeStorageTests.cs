using RaftRunner.Node.Storage;
using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Node.Tests.Storage;

/// <summary>A node's data directory carrying out the durable part of Readies (docs/raft-core-design.md §1).</summary>
public sealed class NodeStorageTests : IDisposable
{
    private static readonly PeerInfo[] Three = [new("n1", "tcp://127.0.0.1:1"), new("n2", "tcp://127.0.0.1:2"), new("n3", "tcp://127.0.0.1:3")];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rr-storage-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    private static LogEntry E(ulong term, byte value) => LogEntry.Create(RequestId.New(DateTimeOffset.UtcNow), LogEntryType.State, term, [value]);

    private static StorageJob Append(long after, params LogEntry[] entries) => new([], new LogWrite(after, entries), null, null);

    [Fact]
    public void A_new_directory_has_zmq_rafts_layout_and_the_seed_configuration()
    {
        using var storage = NodeStorage.Open(_dir, Three);
        Assert.True(File.Exists(Path.Combine(_dir, "snap")));
        Assert.True(Directory.Exists(Path.Combine(_dir, "log")));
        Assert.Equal(default, storage.HardState);
        Assert.Equal(["n1", "n2", "n3"], storage.Membership.Configuration.Peers.Select(p => p.Id));
        Assert.Null(storage.Membership.PeersIndex);
        Assert.Equal(0, storage.Reader.LastIndex);
    }

    [Fact]
    public void Appends_of_consecutive_jobs_are_one_write_and_everything_survives_a_reopen()
    {
        var joint = ClusterConfiguration.From(ConfigEntryData.Transitional(Three, [.. Three, new PeerInfo("n4", "tcp://127.0.0.1:4")]));
        var key = RequestId.New(DateTimeOffset.UtcNow);
        using (var storage = NodeStorage.Open(_dir, Three))
        {
            storage.Write([
                Append(0, E(1, 1), E(1, 2)),
                Append(2, E(1, 3)),
                new StorageJob([], null, new HardState(3, "n2"), new MembershipState(joint, 3, key, ClusterConfiguration.Final(Three), null)),
            ]);
            Assert.Equal(3, storage.Reader.LastIndex);
        }
        using var reopened = NodeStorage.Open(_dir, Three);
        Assert.Equal(new HardState(3, "n2"), reopened.HardState);
        Assert.True(reopened.Membership.Configuration.IsTransitional);
        Assert.Equal(3, reopened.Membership.PeersIndex);
        Assert.Equal(key, reopened.Membership.UpdateRequest);
        Assert.Equal(3, reopened.Membership.Committed!.Peers.Count);
        Assert.Equal([1, 2, 3], reopened.Reader.Entries(1, 3).Select(e => (int)e.Data.Span[0]));
    }

    [Fact]
    public void A_truncation_in_the_middle_of_a_batch_is_carried_out_in_order()
    {
        using var storage = NodeStorage.Open(_dir, Three);
        storage.Write([Append(0, E(1, 1), E(1, 2), E(1, 3)), Append(1, E(2, 9)), Append(2, E(2, 10))]);
        Assert.Equal([1, 9, 10], storage.Reader.Entries(1, 3).Select(e => (int)e.Data.Span[0]));
        Assert.Equal(2ul, storage.Reader.TermAt(3));
    }

    [Fact]
    public void A_job_carried_out_twice_leaves_the_same_log()
    {
        using var storage = NodeStorage.Open(_dir, Three);
        var jobs = new[] { Append(0, E(1, 1), E(1, 2)), Append(2, E(1, 3)) };
        storage.Write(jobs);
        storage.Write(jobs); // a restarted log writer queues its jobs again
        Assert.Equal(3, storage.Reader.LastIndex);
    }

    [Fact]
    public void A_snapshot_received_in_chunks_replaces_a_log_that_does_not_continue_it()
    {
        using var storage = NodeStorage.Open(_dir, Three);
        storage.Write([Append(0, E(1, 1), E(1, 2))]);
        var data = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var installed = storage.Write([
            new StorageJob([new SnapshotChunkWrite(10, 3, data.Length, 0, data.AsMemory(0, 600))], null, null, null),
            new StorageJob([new SnapshotChunkWrite(10, 3, data.Length, 600, data.AsMemory(600))], new LogWrite(10, [], new SnapshotInstall(10, 3, false)), null, null),
        ]);
        Assert.Equal([(1, new SnapshotInstall(10, 3, false))], installed);
        Assert.Equal((10L, 3ul), storage.SnapshotId);
        Assert.Equal(10, storage.Reader.SnapshotIndex);
        Assert.Equal(10, storage.Reader.LastIndex);
        Assert.Equal(data, storage.ReadSnapshot(0, 4096).ToArray());
        using var file = SnapshotFile.Open(storage.SnapshotPath);
        Assert.Equal(10ul, file.Index);
    }

    [Fact]
    public void A_snapshot_of_this_nodes_state_compacts_the_log_and_keeps_what_follows()
    {
        using var storage = NodeStorage.Open(_dir, Three);
        storage.Write([Append(0, E(1, 1), E(1, 2), E(1, 3), E(1, 4))]);
        var path = storage.SnapshotPath;
        using (var writer = SnapshotWriter.Create(path, 3, 1))
        {
            writer.Write([7, 7, 7]);
            writer.Install().Dispose();
        }
        Assert.True(storage.SnapshotTaken(path));
        Assert.Equal(3, storage.Reader.SnapshotIndex);
        Assert.Null(storage.Reader.TermAt(2));
        Assert.Equal(1ul, storage.Reader.TermAt(4));
        Assert.Equal(3, storage.SnapshotSize);
    }

    [Fact]
    public void An_own_snapshot_older_than_the_leaders_installed_meanwhile_is_dropped_and_the_leaders_stays()
    {
        using var storage = NodeStorage.Open(_dir, Three);
        storage.Write([Append(0, E(1, 1), E(1, 2), E(1, 3), E(1, 4))]);
        // The applier wrote its own snapshot at 3 (beside snap) while the leader's at 10 was being installed.
        using (var writer = SnapshotWriter.Create(storage.TakenSnapshotPath, 3, 1))
        {
            writer.Write([7, 7, 7]);
            writer.Install().Dispose();
        }
        var data = new byte[] { 1, 2, 3, 4, 5 };
        storage.Write([new StorageJob([new SnapshotChunkWrite(10, 3, data.Length, 0, data)], new LogWrite(10, [], new SnapshotInstall(10, 3, false)), null, null)]);

        Assert.False(storage.SnapshotTaken(storage.TakenSnapshotPath));
        Assert.False(File.Exists(storage.TakenSnapshotPath));
        Assert.Equal((10L, 3ul), storage.SnapshotId);
        using var file = SnapshotFile.Open(storage.SnapshotPath);
        Assert.Equal(10ul, file.Index);
        Assert.Equal(data, storage.ReadSnapshot(0, 4096).ToArray());
    }
}
