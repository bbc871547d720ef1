using Xunit.Abstractions;
using static RaftRunner.StateMachines.Sqlite.Tests.Sql;

namespace RaftRunner.StateMachines.Sqlite.Tests;

/// <summary>Tests that measure the process's allocations run alone, so that no other test's allocations count.</summary>
[CollectionDefinition(nameof(AllocationMeasuring), DisableParallelization = true)]
public sealed class AllocationMeasuring;

[Collection(nameof(AllocationMeasuring))]
public sealed class LargeSnapshotTests(ITestOutputHelper output) : IDisposable
{
    private const int Blobs = 50;
    private const int BlobSize = 1 << 20;

    // Loose: the database is over 50 MB; streaming it costs a chunk buffer, and the applies between chunks a little each.
    private const long AllocationBound = 16L << 20;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_50_MB_database_streams_in_chunks_while_applies_go_on_between_them()
    {
        using var machine = new SqliteStateMachine(_dir.File("big.db"));
        await Run(machine, 1, "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
        var random = new Random(7);
        var blob = new byte[BlobSize];
        for (var i = 0; i < Blobs; i++)
        {
            random.NextBytes(blob);
            Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 2 + i, "INSERT INTO blobs (data) VALUES (?)", blob)).Status);
        }
        var snapshotIndex = machine.LastAppliedIndex;
        var expected = await Query(machine, "SELECT id, length(data), hex(substr(data, 1, 8)), hex(substr(data, -8)) FROM blobs ORDER BY id");

        var index = snapshotIndex;
        var snapshotPath = _dir.File("snapshot.bin");
        long allocated;
        ChunkRecordingStream sink;
        using (var file = new FileStream(snapshotPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            var insert = SqliteCommands.Execute("INSERT INTO blobs (data) VALUES (zeroblob(1000))");
            sink = new ChunkRecordingStream(file, async () =>
                Assert.Equal(SqliteApplyStatus.Applied, (await Apply(machine, ++index, insert)).Status));
            allocated = await Allocations(() => machine.WriteSnapshotAsync(sink, CancellationToken.None).AsTask());
        }

        output.WriteLine($"snapshot: {sink.Bytes:N0} bytes in {sink.Writes} writes, {allocated:N0} bytes allocated (applies included)");
        Assert.True(sink.Bytes > Blobs * BlobSize, $"the snapshot has {sink.Bytes} bytes");
        Assert.True(sink.LargestWrite <= SqliteStateMachine.ChunkSize, $"a write of {sink.LargestWrite} bytes");
        Assert.True(sink.Writes >= Blobs * BlobSize / SqliteStateMachine.ChunkSize, $"{sink.Writes} writes");
        Assert.True(allocated < AllocationBound, $"writing the snapshot allocated {allocated:N0} bytes");
        // Every chunk but the last was followed by an apply, none of which is in the snapshot.
        Assert.Equal(snapshotIndex + sink.Writes, machine.LastAppliedIndex);
        Assert.Equal([(long)(Blobs + sink.Writes)], (await Query(machine, "SELECT count(*) FROM blobs")).Rows[0]);

        using var restored = new SqliteStateMachine(_dir.File("restored.db"));
        using (var file = new FileStream(snapshotPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        {
            var restoring = await Allocations(() => restored.RestoreSnapshotAsync(file, CancellationToken.None).AsTask());
            output.WriteLine($"restore: {restoring:N0} bytes allocated");
            Assert.True(restoring < AllocationBound, $"restoring the snapshot allocated {restoring:N0} bytes");
        }
        Assert.Equal(snapshotIndex, restored.LastAppliedIndex);
        var actual = await Query(restored, "SELECT id, length(data), hex(substr(data, 1, 8)), hex(substr(data, -8)) FROM blobs ORDER BY id");
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(Blobs, actual.Rows.Count);
    }

    private static async Task<long> Allocations(Func<Task> action)
    {
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    /// <summary>A write-only stream that records the writes it passes on and runs an action after each one.</summary>
    private sealed class ChunkRecordingStream(Stream inner, Func<Task> afterWrite) : Stream
    {
        public long Bytes { get; private set; }

        public int Writes { get; private set; }

        public int LargestWrite { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Bytes += buffer.Length;
            Writes++;
            LargestWrite = Math.Max(LargestWrite, buffer.Length);
            await afterWrite();
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
