using System.Buffers.Binary;
using System.Text.RegularExpressions;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Persistence;
using RaftRunner.Storage.Snapshots;
using Xunit.Abstractions;

namespace RaftRunner.Storage.Tests.Snapshots;

public sealed partial class SnapshotFileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();
    private readonly ITestOutputHelper _output;

    public SnapshotFileTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    private string Snap => _dir.File("snap");

    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private SnapshotFile WriteSnapshot(ulong index, ulong term, byte[] data, bool declareSize = true)
    {
        using var writer = SnapshotWriter.Create(Snap, index, term, declareSize ? data.Length : null);
        writer.Write(data);
        return writer.Install();
    }

    private static byte[] ReadAll(SnapshotFile snapshot)
    {
        var data = new byte[snapshot.DataSize];
        Assert.Equal(data.Length, snapshot.ReadChunk(0, data));
        return data;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoDate();

    [Fact]
    public void CreateEmpty_writes_index_0_term_0_and_no_data_in_zmq_raft_layout()
    {
        using (var snapshot = SnapshotFile.CreateEmpty(Snap))
        {
            Assert.Equal(0UL, snapshot.Index);
            Assert.Equal(0UL, snapshot.Term);
            Assert.Equal(0, snapshot.DataSize);
            Assert.Equal(new FileInfo(Snap).Length, snapshot.DataOffset);
            Assert.Equal(0, snapshot.ReadChunk(0, new byte[10]));
            Assert.Matches(IsoDate(), snapshot.Created);
            Assert.Equal(System.Net.Dns.GetHostName(), snapshot.Hostname);
        }
        var bytes = File.ReadAllBytes(Snap);
        Assert.Equal("SNAP"u8.ToArray(), bytes[..4]);
        Assert.Equal(28u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(28)));
        Assert.Equal("META"u8.ToArray(), bytes[36..40]);
        var metaLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40));
        var meta = MessagePackCodec.Decode(bytes.AsSpan(44, metaLength));
        Assert.Equal(["created", "hostname"], meta.AsMap().Select(e => e.Key.AsString()));
        var dataMarker = 44 + (int)TokenFiles.TokenFile.Pad4(metaLength);
        Assert.Equal("DATA"u8.ToArray(), bytes[dataMarker..(dataMarker + 4)]);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(dataMarker + 4)));
        Assert.Equal(dataMarker + 8, bytes.Length);
        Assert.All(bytes[(44 + metaLength)..dataMarker], b => Assert.Equal(0, b));
    }

    [Fact]
    public void CreateEmpty_refuses_to_overwrite_and_makes_missing_directories()
    {
        var nested = Path.Combine(_dir.Path, "a", "b", "snap");
        SnapshotFile.CreateEmpty(nested).Dispose();
        var e = Assert.Throws<StorageException>(() => SnapshotFile.CreateEmpty(nested));
        Assert.Equal(nested, e.FilePath);
    }

    [Fact]
    public void OpenOrCreateEmpty_creates_only_when_missing()
    {
        using (var created = SnapshotFile.OpenOrCreateEmpty(Snap))
            Assert.Equal(0UL, created.Index);
        WriteSnapshot(5, 2, [1, 2, 3]).Dispose();
        using var opened = SnapshotFile.OpenOrCreateEmpty(Snap);
        Assert.Equal(5UL, opened.Index);
        Assert.Equal([1, 2, 3], ReadAll(opened));
    }

    [Fact]
    public void Open_of_a_missing_file_is_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => SnapshotFile.Open(Snap));
        Assert.Throws<FileNotFoundException>(() => SnapshotFile.Open(Path.Combine(_dir.Path, "no", "snap")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Written_snapshot_reads_back_index_term_size_and_bytes(bool declareSize)
    {
        var data = RandomBytes(100_003, 1);
        using var snapshot = WriteSnapshot(123_456_789_012, 77, data, declareSize);
        Assert.Equal(123_456_789_012UL, snapshot.Index);
        Assert.Equal(77UL, snapshot.Term);
        Assert.Equal(data.Length, snapshot.DataSize);
        Assert.Equal(data, ReadAll(snapshot));
        Assert.Equal(snapshot.DataOffset + data.Length, new FileInfo(Snap).Length);
        using var reopened = SnapshotFile.Open(Snap);
        Assert.Equal(data, ReadAll(reopened));
        Assert.Equal((ulong)data.Length, BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(Snap).AsSpan(28)));
    }

    [Fact]
    public async Task ReadChunk_is_bounds_checked_and_stops_at_the_end_of_the_data()
    {
        var data = RandomBytes(1000, 2);
        using var snapshot = WriteSnapshot(9, 3, data);
        var buffer = new byte[300];
        Assert.Equal(300, snapshot.ReadChunk(0, buffer));
        Assert.Equal(data[..300], buffer);
        Assert.Equal(100, snapshot.ReadChunk(900, buffer));
        Assert.Equal(data[900..], buffer[..100]);
        Assert.Equal(0, snapshot.ReadChunk(1000, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.ReadChunk(1001, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.ReadChunk(-1, buffer));
        Assert.Equal(300, await snapshot.ReadChunkAsync(450, buffer));
        Assert.Equal(data[450..750], buffer);
        Assert.Equal(50, await snapshot.ReadChunkAsync(950, buffer.AsMemory()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await snapshot.ReadChunkAsync(1001, buffer));

        using var stream = snapshot.OpenDataStream(10);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(data[10..], copy.ToArray());
        stream.Position = 0;
        Assert.Equal(data, ReadStream(stream));
    }

    private static byte[] ReadStream(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public void Chunks_are_accepted_only_in_order_and_within_the_declared_size()
    {
        var data = RandomBytes(2500, 3);
        using var writer = SnapshotWriter.Create(Snap, 40, 4, data.Length);
        Assert.True(writer.TryWriteChunk(0, data.AsSpan(0, 1000)));
        Assert.False(writer.TryWriteChunk(2000, data.AsSpan(2000, 500)), "a chunk after a gap is refused");
        Assert.False(writer.TryWriteChunk(0, data.AsSpan(0, 1000)), "a repeated chunk is refused");
        Assert.Equal(1000, writer.BytesWritten);
        Assert.Throws<InvalidOperationException>(() => writer.WriteChunk(500, data.AsSpan(500, 10)));
        Assert.Throws<ArgumentException>(() => writer.TryWriteChunk(1000, new byte[1501]));
        Assert.False(writer.IsComplete);
        Assert.Throws<InvalidOperationException>(() => writer.Install());
        Assert.True(writer.TryWriteChunk(1000, data.AsSpan(1000, 1500)));
        Assert.True(writer.IsComplete);
        Assert.Throws<ArgumentException>(() => writer.TryWriteChunk(2500, new byte[1]));
        using var snapshot = writer.Install();
        Assert.Equal(data, ReadAll(snapshot));
        Assert.Throws<InvalidOperationException>(() => writer.Install());
        Assert.Throws<InvalidOperationException>(() => writer.TryWriteChunk(2500, []));
    }

    [Fact]
    public async Task Chunks_can_be_written_asynchronously()
    {
        var data = RandomBytes(5000, 4);
        using var writer = SnapshotWriter.Create(Snap, 41, 4, data.Length);
        for (var offset = 0; offset < data.Length; offset += 1024)
            Assert.True(await writer.TryWriteChunkAsync(offset, data.AsMemory(offset, Math.Min(1024, data.Length - offset))));
        Assert.False(await writer.TryWriteChunkAsync(0, data.AsMemory(0, 1)));
        using var snapshot = writer.Install();
        Assert.Equal(data, ReadAll(snapshot));
    }

    [Fact]
    public void A_zero_size_snapshot_can_be_received_and_installed()
    {
        using var writer = SnapshotWriter.Create(Snap, 3, 1, 0);
        Assert.True(writer.IsComplete);
        Assert.True(writer.TryWriteChunk(0, []));
        using var snapshot = writer.Install();
        Assert.Equal(0, snapshot.DataSize);
        Assert.Equal(3UL, snapshot.Index);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Data_is_copied_from_a_stream(bool async)
    {
        var data = RandomBytes(300_000, 5);
        using var writer = SnapshotWriter.Create(Snap, 50, 5);
        var copied = async ? await writer.CopyFromAsync(new MemoryStream(data)) : writer.CopyFrom(new MemoryStream(data));
        Assert.Equal(data.Length, copied);
        using var snapshot = writer.Install();
        Assert.Equal(data.Length, snapshot.DataSize);
        Assert.Equal(data, ReadAll(snapshot));
    }

    [Fact]
    public void A_stream_longer_or_shorter_than_the_declared_size_is_refused()
    {
        using (var writer = SnapshotWriter.Create(Snap, 50, 5, 10))
            Assert.Throws<ArgumentException>(() => writer.CopyFrom(new MemoryStream(new byte[11])));
        using (var writer = SnapshotWriter.Create(Snap, 50, 5, 10))
        {
            writer.CopyFrom(new MemoryStream(new byte[9]));
            Assert.Throws<InvalidOperationException>(() => writer.Install());
        }
        Assert.False(File.Exists(Snap));
        Assert.Empty(_dir.Names());
    }

    [Fact]
    public void Installing_keeps_the_replaced_snapshot_under_a_timestamped_name()
    {
        var first = RandomBytes(700, 6);
        var second = RandomBytes(900, 7);
        using var old = WriteSnapshot(10, 1, first);
        using var writer = SnapshotWriter.Create(Snap, 20, 2, second.Length);
        Assert.StartsWith(Snap + ".tmp-" + Environment.ProcessId + "-", writer.TempPath, StringComparison.Ordinal);
        writer.Write(second);
        using var installed = writer.Install();
        Assert.Equal(20UL, installed.Index);
        Assert.Equal(second, ReadAll(installed));
        Assert.NotNull(writer.BackupPath);
        var backupName = Path.GetFileName(writer.BackupPath);
        Assert.Matches(@"^snap-\d{4}-\d{2}-\d{2}-\d{6}-\d{3}[0-9a-z]+$", backupName);
        Assert.Equal(["snap", backupName], _dir.Names());
        using (var backup = SnapshotFile.Open(writer.BackupPath))
        {
            Assert.Equal(10UL, backup.Index);
            Assert.Equal(first, ReadAll(backup));
        }
        // A reader of the replaced snapshot keeps reading it (an InstallSnapshot in progress is not disturbed).
        Assert.Equal(first, ReadAll(old));
    }

    [Fact]
    public void A_writer_disposed_before_install_leaves_the_target_alone_and_removes_its_temporary_file()
    {
        var data = RandomBytes(100, 8);
        WriteSnapshot(10, 1, data).Dispose();
        var writer = SnapshotWriter.Create(Snap, 20, 2, 50);
        writer.Write(new byte[20]);
        Assert.True(File.Exists(writer.TempPath));
        writer.Dispose();
        Assert.False(File.Exists(writer.TempPath));
        Assert.Equal(["snap"], _dir.Names());
        using var snapshot = SnapshotFile.Open(Snap);
        Assert.Equal(data, ReadAll(snapshot));
    }

    [Fact]
    public void A_failing_source_stream_never_reaches_the_target()
    {
        WriteSnapshot(10, 1, [1, 2, 3]).Dispose();
        using (var writer = SnapshotWriter.Create(Snap, 20, 2))
            Assert.Throws<IOException>(() => writer.CopyFrom(new FailingStream(70_000)));
        Assert.Equal(["snap"], _dir.Names());
        using var snapshot = SnapshotFile.Open(Snap);
        Assert.Equal(10UL, snapshot.Index);
    }

    [Fact]
    public void A_failed_chunk_write_is_reported_with_file_and_offset_and_not_counted()
    {
        var io = new FaultyIo();
        var data = RandomBytes(3000, 9);
        using var writer = SnapshotWriter.Create(Snap, 30, 3, data.Length, io);
        writer.Write(data.AsSpan(0, 1000));
        io.FailNextWrite = true;
        var e = Assert.Throws<StorageException>(() => writer.TryWriteChunk(1000, data.AsSpan(1000, 1000)));
        Assert.Equal(writer.TempPath, e.FilePath);
        Assert.NotNull(e.Offset);
        Assert.Equal(1000, writer.BytesWritten);
        Assert.True(writer.TryWriteChunk(1000, data.AsSpan(1000, 2000)));
        using var snapshot = writer.Install();
        Assert.Equal(data, ReadAll(snapshot));
    }

    [Fact]
    public void A_failed_sync_at_install_leaves_the_old_snapshot_in_place()
    {
        WriteSnapshot(10, 1, [1, 2, 3]).Dispose();
        var io = new FaultyIo();
        var writer = SnapshotWriter.Create(Snap, 30, 3, 3, io);
        writer.Write([4, 5, 6]);
        io.FailNextSync = true;
        var e = Assert.Throws<StorageException>(() => writer.Install());
        Assert.Equal(writer.TempPath, e.FilePath);
        Assert.Throws<InvalidOperationException>(() => writer.Install());
        writer.Dispose();
        Assert.Equal(["snap"], _dir.Names());
        using var snapshot = SnapshotFile.Open(Snap);
        Assert.Equal(10UL, snapshot.Index);
    }

    [Fact]
    public void Index_term_and_size_beyond_javascript_safe_integers_are_refused()
    {
        const ulong tooBig = 1UL << 53;
        Assert.Throws<ArgumentOutOfRangeException>(() => SnapshotWriter.Create(Snap, tooBig, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SnapshotWriter.Create(Snap, 1, tooBig));
        Assert.Throws<ArgumentOutOfRangeException>(() => SnapshotWriter.Create(Snap, 1, 1, -1));
        Assert.Empty(_dir.Names());
    }

    [Fact]
    public void Snapshot_written_to_a_full_disk_is_a_storage_error_and_the_target_survives()
    {
        using var fs = SmallTmpfs.TryMount(_dir.Path, "64k", out var whyNot);
        if (fs is null)
        {
            _output.WriteLine($"SKIPPED {nameof(Snapshot_written_to_a_full_disk_is_a_storage_error_and_the_target_survives)}: {whyNot}");
            return;
        }
        var target = Path.Combine(fs.Path, "snap");
        using (var writer = SnapshotWriter.Create(target, 1, 1, 3))
        {
            writer.Write([1, 2, 3]);
            writer.Install().Dispose();
        }
        using (var writer = SnapshotWriter.Create(target, 2, 1))
        {
            var e = Assert.Throws<StorageException>(() => writer.CopyFrom(new MemoryStream(new byte[200_000])));
            Assert.Equal(writer.TempPath, e.FilePath);
            Assert.NotNull(e.Offset);
            Assert.Contains("No space left on device", e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(["snap"], Directory.GetFiles(fs.Path).Select(Path.GetFileName));
        using var snapshot = SnapshotFile.Open(target);
        Assert.Equal(1UL, snapshot.Index);
        Assert.Equal([1, 2, 3], ReadAll(snapshot));
    }

    // --- validation of files that are not what they claim ---

    private byte[] ValidBytes()
    {
        WriteSnapshot(7, 2, RandomBytes(40, 10)).Dispose();
        return File.ReadAllBytes(Snap);
    }

    private StorageException OpenFails(byte[] bytes)
    {
        File.WriteAllBytes(Snap, bytes);
        var e = Assert.Throws<StorageException>(() => SnapshotFile.Open(Snap));
        Assert.Equal(Snap, e.FilePath);
        Assert.Contains(Snap, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void A_foreign_file_is_refused_at_offset_0()
    {
        var bytes = ValidBytes();
        "RLOG"u8.CopyTo(bytes);
        var e = OpenFails(bytes);
        Assert.Equal(0, e.Offset);
        Assert.Contains("'RLOG'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, OpenFails("{\"json\": true}\n"u8.ToArray()).Offset);
        Assert.Equal(0, OpenFails([]).Offset);
        Assert.Equal(0, OpenFails("SNA"u8.ToArray()).Offset);
    }

    [Fact]
    public void A_data_size_field_that_lies_is_refused_whichever_way()
    {
        var bytes = ValidBytes();
        var longer = OpenFails([.. bytes, 0]);
        Assert.Equal(28, longer.Offset);
        Assert.Contains("41 bytes", longer.Message, StringComparison.Ordinal);
        Assert.Equal(28, OpenFails(bytes[..^1]).Offset);
        var bigger = bytes.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(bigger.AsSpan(28), 41);
        Assert.Equal(28, OpenFails(bigger).Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(bigger.AsSpan(28), ulong.MaxValue);
        Assert.Equal(28, OpenFails(bigger).Offset);
    }

    [Fact]
    public void Wrong_header_length_version_or_missing_data_marker_is_refused()
    {
        var bytes = ValidBytes();
        var header = bytes.ToArray();
        header[4] = 36;
        Assert.Equal(4, OpenFails(header).Offset);
        var version = bytes.ToArray();
        version[8] = 2;
        Assert.Equal(8, OpenFails(version).Offset);
        Assert.Equal(36, OpenFails(bytes[..36]).Offset);
        Assert.NotNull(OpenFails(bytes[..30]).Offset);
        Assert.NotNull(OpenFails(bytes[..42]).Offset);
        var noMarker = bytes.ToArray();
        var marker = noMarker.AsSpan().IndexOf("DATA"u8);
        "DATX"u8.CopyTo(noMarker.AsSpan(marker));
        OpenFails(noMarker);
    }

    [Fact]
    public void A_snapshot_without_META_is_still_read()
    {
        var data = RandomBytes(33, 11);
        var bytes = new byte[36 + 8 + data.Length];
        "SNAP"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 28);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), 8);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(20), 3);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(28), (ulong)data.Length);
        "DATA"u8.CopyTo(bytes.AsSpan(36));
        data.CopyTo(bytes, 44);
        File.WriteAllBytes(Snap, bytes);
        using var snapshot = SnapshotFile.Open(Snap);
        Assert.Null(snapshot.Metadata);
        Assert.Equal(44, snapshot.DataOffset);
        Assert.Equal(data, ReadAll(snapshot));
    }

    [Fact]
    public void A_file_truncated_after_opening_is_a_storage_error_not_short_data()
    {
        using var snapshot = WriteSnapshot(7, 2, RandomBytes(4000, 12));
        using (var stream = new FileStream(Snap, FileMode.Open, FileAccess.Write))
            stream.SetLength(snapshot.DataOffset + 1000);
        var e = Assert.Throws<StorageException>(() => snapshot.ReadChunk(500, new byte[1000]));
        Assert.Equal(snapshot.DataOffset + 1000, e.Offset);
    }

    [Fact]
    public void Leftover_temporary_files_are_cleaned_up()
    {
        File.WriteAllBytes(_dir.File("snap.tmp-123-a"), [1]);
        File.WriteAllBytes(_dir.File("snap.tmp-9-1z"), [1]);
        File.WriteAllBytes(_dir.File("snap.tmp-x"), [1]);
        File.WriteAllBytes(_dir.File("snap-2018-09-26-145936-8170"), [1]);
        File.WriteAllBytes(_dir.File("other.tmp-1-1"), [1]);
        Assert.Equal(2, SnapshotFile.CleanupTempFiles(Snap));
        Assert.Equal(["other.tmp-1-1", "snap-2018-09-26-145936-8170", "snap.tmp-x"], _dir.Names());
    }

    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
                throw new IOException("the source broke (injected)");
            var n = Math.Min(count, failAfter - _position);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
