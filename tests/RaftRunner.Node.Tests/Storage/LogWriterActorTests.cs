using RaftRunner.Actors.TestKit;
using RaftRunner.Node.Storage;
using RaftRunner.Protocol;
using RaftRunner.Raft.Log;

namespace RaftRunner.Node.Tests.Storage;

/// <summary>The log writer: jobs durable in order, acknowledged in order, many jobs per sync (group commit).</summary>
public sealed class LogWriterActorTests : TestKit, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rr-writer-" + Guid.NewGuid().ToString("N"));

    void IDisposable.Dispose()
    {
        Dispose();
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Jobs_that_arrive_while_a_batch_syncs_share_the_next_sync_and_are_acknowledged_in_order()
    {
        using var storage = NodeStorage.Open(_dir, [new PeerInfo("n1", "tcp://127.0.0.1:1")]);
        var writer = Sys.ActorOf(LogWriterActor.Props(storage));
        const int jobs = 300;
        for (var i = 0; i < jobs; i++)
        {
            var entry = LogEntry.Create(RequestId.New(DateTimeOffset.UtcNow), LogEntryType.State, 1, [(byte)i]);
            writer.Tell(new Persist(i + 1, new StorageJob([], new LogWrite(i, [entry]), null, null)), TestActor);
        }
        for (var i = 0; i < jobs; i++)
            Assert.Equal(i + 1, ExpectMsg<Persisted>(TimeSpan.FromSeconds(10)).Sequence);
        Assert.Equal(jobs, storage.Reader.LastIndex);
        writer.Tell(LogWriterActor.GetBatchCount.Instance, TestActor);
        var batches = ExpectMsg<long>();
        Assert.True(batches < jobs / 2, $"{batches} batches for {jobs} jobs: no group commit");
    }
}
