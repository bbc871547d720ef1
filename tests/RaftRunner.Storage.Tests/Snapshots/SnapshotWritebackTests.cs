using Microsoft.Win32.SafeHandles;
using RaftRunner.Storage.Files;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Storage.Tests.Snapshots;

/// <summary>
/// SnapshotWriter's incremental writeback: every WritebackInterval bytes it starts writing what it wrote since the
/// last time (sync_file_range WRITE) and waits for the interval before, or fdatasyncs where the platform cannot; the
/// file's content and Install's crash safety (fdatasync, rename, directory fsync; the old snapshot in place until
/// then; nothing installed after a failure) are as without it.
/// </summary>
public sealed class SnapshotWritebackTests : IDisposable
{
    private const int Interval = 64 * 1024;
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Snap => _dir.File("snap");

    private static byte[] ReadAll(SnapshotFile snapshot)
    {
        var data = new byte[snapshot.DataSize];
        Assert.Equal(data.Length, snapshot.ReadChunk(0, data));
        return data;
    }

    private static void WriteInChunks(SnapshotWriter writer, byte[] data, int chunk)
    {
        for (var at = 0; at < data.Length; at += chunk)
            Assert.True(writer.TryWriteChunk(at, data.AsSpan(at, Math.Min(chunk, data.Length - at))));
    }

    private SnapshotFile WriteOld(byte[] data)
    {
        using var writer = SnapshotWriter.Create(Snap, 10, 1, data.Length);
        writer.Write(data);
        return writer.Install();
    }

    /// <summary>
    /// The ranges handed to writeback are contiguous from the start of the file, each one starts as soon as an
    /// interval is complete (within one chunk of it), the tail shorter than an interval is left to Install, and
    /// (unless the platform has no sync_file_range) each start is followed by a wait for the range before it only.
    /// </summary>
    private static void AssertPaced(RecordingWriteback writeback, long fileLength, int chunk, bool waits = true)
    {
        Assert.NotEmpty(writeback.Started);
        long expected = 0;
        foreach (var (offset, count) in writeback.Started)
        {
            Assert.Equal(expected, offset);
            Assert.InRange(count, Interval, Interval + chunk - 1);
            expected += count;
        }
        Assert.InRange(fileLength - expected, 0, Interval - 1);
        var calls = new List<string>();
        for (var i = 0; i < writeback.Started.Count; i++)
        {
            calls.Add($"start {writeback.Started[i].Offset}+{writeback.Started[i].Count}");
            if (waits && i > 0)
                calls.Add($"wait {writeback.Started[i - 1].Offset}+{writeback.Started[i - 1].Count}");
        }
        Assert.Equal(calls, writeback.Calls);
    }

    [Theory]
    [InlineData(1000, true)]
    [InlineData(1000, false)]
    [InlineData(Interval, true)]
    [InlineData(3 * Interval + 17, true)]
    public void Written_data_is_pushed_out_every_interval_and_the_snapshot_reads_back_the_same(int chunk, bool declareSize)
    {
        var data = SnapshotFileTests.RandomBytes(10 * Interval + 123, 1);
        var io = new FaultyIo();
        var writeback = new RecordingWriteback();
        using var writer = SnapshotWriter.Create(Snap, 20, 2, declareSize ? data.Length : null, io, writeback, Interval);
        Assert.Equal(Interval, writer.WritebackInterval);
        WriteInChunks(writer, data, chunk);
        var fileLength = writer.DataOffset + data.Length;
        AssertPaced(writeback, fileLength, chunk);
        Assert.Equal(0, io.Syncs); // the platform has sync_file_range here: no fdatasync while writing
        Assert.False(File.Exists(Snap));

        using var installed = writer.Install();
        Assert.Equal(1, io.Syncs); // Install's own fdatasync, as before
        Assert.Equal(20UL, installed.Index);
        Assert.Equal(2UL, installed.Term);
        Assert.Equal(data, ReadAll(installed));
        Assert.Equal(fileLength, new FileInfo(Snap).Length);
        Assert.Equal(["snap"], _dir.Names());
    }

    [Fact]
    public void The_default_interval_is_4_MiB_and_zero_turns_writeback_off()
    {
        using (var writer = SnapshotWriter.Create(Snap, 1, 1))
            Assert.Equal(4L << 20, writer.WritebackInterval);
        Assert.Equal(4L << 20, SnapshotWriter.DefaultWritebackInterval);

        var data = SnapshotFileTests.RandomBytes(5 * Interval, 2);
        var writeback = new RecordingWriteback();
        var io = new FaultyIo();
        using var off = SnapshotWriter.Create(Snap, 20, 2, data.Length, io, writeback, 0);
        WriteInChunks(off, data, 4096);
        Assert.Empty(writeback.Calls);
        using var installed = off.Install();
        Assert.Equal(1, io.Syncs);
        Assert.Equal(data, ReadAll(installed));
    }

    [Fact]
    public void Nothing_is_pushed_before_a_whole_interval_is_written()
    {
        var writeback = new RecordingWriteback();
        using var writer = SnapshotWriter.Create(Snap, 20, 2, null, new FaultyIo(), writeback, Interval);
        writer.Write(new byte[Interval - writer.DataOffset - 1]);
        Assert.Empty(writeback.Calls);
        writer.Write(new byte[1]); // the header counts: the file is now exactly one interval long
        Assert.Equal([(0L, (long)Interval)], writeback.Started);
        Assert.Empty(writeback.Waited);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Asynchronous_writes_and_stream_copies_are_pushed_out_too(bool copy)
    {
        var data = SnapshotFileTests.RandomBytes(6 * Interval + 5, 3);
        var writeback = new RecordingWriteback();
        using var writer = SnapshotWriter.Create(Snap, 20, 2, data.Length, new FaultyIo(), writeback, Interval);
        if (copy)
            Assert.Equal(data.Length, await writer.CopyFromAsync(new MemoryStream(data)));
        else
        {
            for (var at = 0; at < data.Length; at += 5000)
                Assert.True(await writer.TryWriteChunkAsync(at, data.AsMemory(at, Math.Min(5000, data.Length - at))));
        }
        AssertPaced(writeback, writer.DataOffset + data.Length, copy ? 1 << 16 : 5000);
        using var installed = writer.Install();
        Assert.Equal(data, ReadAll(installed));
    }

    [Fact]
    public void Where_the_platform_cannot_start_writeback_the_writer_fdatasyncs_every_interval()
    {
        var data = SnapshotFileTests.RandomBytes(4 * Interval, 4);
        var io = new FaultyIo();
        var writeback = new RecordingWriteback { Unsupported = true };
        using var writer = SnapshotWriter.Create(Snap, 20, 2, data.Length, io, writeback, Interval);
        WriteInChunks(writer, data, 1000);
        AssertPaced(writeback, writer.DataOffset + data.Length, 1000, waits: false);
        Assert.InRange(writeback.Started.Count, 3, 4);
        Assert.Equal(writeback.Started.Count, io.Syncs); // one fdatasync per interval instead
        var syncs = io.Syncs;
        using var installed = writer.Install();
        Assert.Equal(syncs + 1, io.Syncs);
        Assert.Equal(data, ReadAll(installed));
    }

    [Theory]
    [InlineData("start")]
    [InlineData("wait")]
    [InlineData("fallback-sync")]
    public void A_failed_writeback_fails_the_writer_and_the_old_snapshot_stays(string failing)
    {
        var old = SnapshotFileTests.RandomBytes(300, 5);
        WriteOld(old).Dispose();
        var data = SnapshotFileTests.RandomBytes(4 * Interval, 6);
        var io = new FaultyIo();
        var writeback = new RecordingWriteback { Unsupported = failing == "fallback-sync" };
        var writer = SnapshotWriter.Create(Snap, 20, 2, data.Length, io, writeback, Interval);
        // Fail the second interval's push: for "wait", that is the first wait.
        writeback.FailStartAt = failing == "start" ? 2 : 0;
        writeback.FailWaitAt = failing == "wait" ? 1 : 0;
        var chunk = 1000;
        StorageException? error = null;
        var at = 0;
        for (; at < data.Length; at += chunk)
        {
            if (failing == "fallback-sync" && io.Syncs == 1)
                io.FailNextSync = true;
            try
            {
                writer.TryWriteChunk(at, data.AsSpan(at, Math.Min(chunk, data.Length - at)));
            }
            catch (StorageException e)
            {
                error = e;
                break;
            }
        }
        Assert.NotNull(error);
        Assert.Equal(writer.TempPath, error.FilePath);
        // The writer is finished: no more data, no install (its data may not be on the disk, and the kernel may not say so again).
        Assert.Throws<InvalidOperationException>(() => writer.TryWriteChunk(writer.BytesWritten, data.AsSpan(0, 10)));
        Assert.Throws<InvalidOperationException>(() => writer.Install());
        writer.Dispose();
        Assert.Equal(["snap"], _dir.Names());
        using var snapshot = SnapshotFile.Open(Snap);
        Assert.Equal(10UL, snapshot.Index);
        Assert.Equal(old, ReadAll(snapshot));
    }

    [Fact]
    public void Until_install_the_target_is_the_old_snapshot_and_install_still_syncs_renames_and_keeps_a_backup()
    {
        var old = SnapshotFileTests.RandomBytes(500, 7);
        using var oldFile = WriteOld(old);
        var data = SnapshotFileTests.RandomBytes(8 * Interval + 1, 8);
        var io = new FaultyIo();
        var writeback = new RecordingWriteback();
        using var writer = SnapshotWriter.Create(Snap, 20, 2, data.Length, io, writeback, Interval);
        WriteInChunks(writer, data, 3000);
        Assert.NotEmpty(writeback.Started);
        // Pushed out, but not in place: the target is still the old snapshot, the new one only a temporary file.
        using (var target = SnapshotFile.Open(Snap))
        {
            Assert.Equal(10UL, target.Index);
            Assert.Equal(old, ReadAll(target));
        }
        Assert.Equal(2, _dir.Names().Length);

        // A failing final fdatasync still refuses the install, however much was pushed out before it.
        io.FailNextSync = true;
        Assert.Throws<StorageException>(() => writer.Install());
        using (var target = SnapshotFile.Open(Snap))
            Assert.Equal(10UL, target.Index);
    }

    [Fact]
    public void Install_after_writeback_replaces_the_target_and_keeps_the_old_one_as_a_backup()
    {
        var old = SnapshotFileTests.RandomBytes(500, 9);
        WriteOld(old).Dispose();
        var data = SnapshotFileTests.RandomBytes(8 * Interval + 1, 10);
        var io = new FaultyIo();
        using var writer = SnapshotWriter.Create(Snap, 20, 2, data.Length, io, new RecordingWriteback(), Interval);
        WriteInChunks(writer, data, 3000);
        using var installed = writer.Install();
        Assert.Equal(1, io.Syncs);
        Assert.Equal(data, ReadAll(installed));
        Assert.NotNull(writer.BackupPath);
        using var backup = SnapshotFile.Open(writer.BackupPath);
        Assert.Equal(old, ReadAll(backup));
    }

    [Fact]
    public void The_real_sync_file_range_starts_and_waits_on_a_regular_file()
    {
        var path = _dir.File("plain");
        var data = SnapshotFileTests.RandomBytes(3 * Interval, 11);
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            RandomAccess.Write(handle, data, 0);
            var started = FileSync.StartWriteback(handle, path, 0, Interval);
            var waited = FileSync.WaitForWriteback(handle, path, 0, Interval);
            Assert.Equal(OperatingSystem.IsLinux() && Environment.Is64BitProcess, started);
            Assert.Equal(started, waited);
            Assert.Equal(started, FileSync.StartWriteback(handle, path, Interval, 0)); // an empty range: nothing to do
            Assert.Throws<ArgumentOutOfRangeException>(() => FileSync.StartWriteback(handle, path, -1, 10));
        }
        Assert.Equal(data, File.ReadAllBytes(path));
    }

    [Fact]
    public void The_real_writeback_leaves_the_installed_snapshot_byte_for_byte_the_same()
    {
        var data = SnapshotFileTests.RandomBytes(20 * Interval + 333, 12);
        using (var plain = SnapshotWriter.Create(_dir.File("a"), 20, 2, data.Length, Storage.Persistence.StorageIo.Default, WritebackIo.Default, 0))
        {
            WriteInChunks(plain, data, 7000);
            plain.Install().Dispose();
        }
        using (var pushed = SnapshotWriter.Create(_dir.File("b"), 20, 2, data.Length, Storage.Persistence.StorageIo.Default, WritebackIo.Default, Interval))
        {
            WriteInChunks(pushed, data, 7000);
            pushed.Install().Dispose();
        }
        var a = File.ReadAllBytes(_dir.File("a"));
        var b = File.ReadAllBytes(_dir.File("b"));
        // The same bytes but the META segment's creation time (and so, possibly, nothing else).
        Assert.Equal(a.Length, b.Length);
        Assert.Equal(a[^data.Length..], b[^data.Length..]);
        Assert.Equal(a[..36], b[..36]);
    }

    /// <summary>Records the writeback calls (and passes them on to the real ones); can pretend the platform has none, or fail the Nth call.</summary>
    private sealed class RecordingWriteback : WritebackIo
    {
        public List<(long Offset, long Count)> Started { get; } = [];

        public List<(long Offset, long Count)> Waited { get; } = [];

        public List<string> Calls { get; } = [];

        public bool Unsupported { get; init; }

        /// <summary>1-based number of the Start call that fails (EIO); 0: none.</summary>
        public int FailStartAt { get; set; }

        /// <summary>1-based number of the Wait call that fails (EIO); 0: none.</summary>
        public int FailWaitAt { get; set; }

        public override bool Start(SafeFileHandle handle, string path, long offset, long count)
        {
            Started.Add((offset, count));
            Calls.Add($"start {offset}+{count}");
            if (Started.Count == FailStartAt)
                throw new StorageException(path, offset, "sync_file_range failed: Input/output error (injected EIO)");
            return !Unsupported && base.Start(handle, path, offset, count);
        }

        public override bool Wait(SafeFileHandle handle, string path, long offset, long count)
        {
            Waited.Add((offset, count));
            Calls.Add($"wait {offset}+{count}");
            if (Waited.Count == FailWaitAt)
                throw new StorageException(path, offset, "sync_file_range failed: Input/output error (injected EIO)");
            return base.Wait(handle, path, offset, count);
        }
    }
}
