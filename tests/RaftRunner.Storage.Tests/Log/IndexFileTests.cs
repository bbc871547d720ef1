using System.Buffers.Binary;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

public class IndexFileTests
{
    private static void Patch(string path, long offset, uint value)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Position = offset;
        stream.Write(bytes);
    }

    private static uint ReadUInt(string path, long offset) =>
        BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(path).AsSpan((int)offset));

    [Fact]
    public void Created_file_has_the_acid_md_layout()
    {
        using var dir = new LogTempDirectory();
        using (var file = IndexFile.Create(dir.Path, 1, 4, DateTimeOffset.Parse("2024-05-01T12:34:56.789Z", System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.Equal(3, file.Capacity); // 4 - 1 % 4
            Assert.Equal(1, file.FirstAllowedIndex);
            Assert.Equal(3, file.LastAllowedIndex);
            Assert.Equal(0, file.Count);
        }
        var path = dir.Combine("00000", "00", "00", "00000000000001.rlog");
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("RLOG"u8.ToArray(), bytes[..4]);
        Assert.Equal(16u + 3 * 4, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(1L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)));
        Assert.All(bytes[24..36], b => Assert.Equal(0, b));
        Assert.Equal("META"u8.ToArray(), bytes[36..40]);
        var metaLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40));
        var meta = MessagePackCodec.Decode(bytes.AsSpan(44, metaLength));
        var keys = meta.AsMap().Select(kv => kv.Key.AsString()).ToArray();
        Assert.Equal(["created", "hostname"], keys);
        Assert.True(meta.TryGetProperty("created", out var created));
        Assert.Equal("2024-05-01T12:34:56.789Z", created.AsString());
        Assert.True(meta.TryGetProperty("hostname", out var host));
        Assert.Equal(System.Net.Dns.GetHostName(), host.AsString());
        var itmz = 44 + (int)RaftRunner.Storage.TokenFiles.TokenFile.Pad4(metaLength);
        Assert.Equal("ITMZ"u8.ToArray(), bytes[itmz..(itmz + 4)]);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(itmz + 4)));
        Assert.Equal(itmz + 8, bytes.Length);
        Assert.False(File.Exists(path + ".tmp"));
        using var reopened = IndexFile.Open(path);
        Assert.Equal(itmz + 8, reopened.DataPosition);
        Assert.Equal(new IndexFileMeta("2024-05-01T12:34:56.789Z", System.Net.Dns.GetHostName()), reopened.ReadMeta());
    }

    [Fact]
    public void Append_read_and_reopen()
    {
        using var dir = new LogTempDirectory();
        var entries = LogEntries.Range(8, 6);
        string path;
        using (var file = IndexFile.Create(dir.Path, 8, 8))
        {
            path = file.FilePath;
            Assert.Equal(2, file.Append(entries, 0, 2));
            Assert.Equal(4, file.Append(entries, 2, 4));
            Assert.Equal(14, file.NextIndex);
            LogEntries.AssertSame(entries, file.ReadRange(8, 6));
            Assert.Equal(entries[3], file.Read(11));
            Assert.Equal(entries.Sum(e => e.Size), file.DataSize);
        }
        using (var file = IndexFile.Open(path))
        {
            Assert.Equal(6, file.Count);
            LogEntries.AssertSame(entries, file.ReadRange(8, 6));
            Assert.Equal(file.DataPosition + entries.Take(2).Sum(e => e.Size), file.EntryPosition(10));
            Assert.Equal(entries[2].Size, file.EntrySize(10));
            Assert.Throws<ArgumentOutOfRangeException>(() => file.Read(14));
            Assert.Throws<ArgumentOutOfRangeException>(() => file.Read(7));
            // offsets are end offsets relative to the data start
            Assert.Equal((uint)entries[0].Size, ReadUInt(path, 24));
            Assert.Equal((uint)(entries[0].Size + entries[1].Size), ReadUInt(path, 28));
        }
    }

    [Fact]
    public void Append_stops_at_capacity()
    {
        using var dir = new LogTempDirectory();
        using var file = IndexFile.Create(dir.Path, 1, 4);
        var entries = LogEntries.Range(1, 5);
        Assert.Equal(3, file.Append(entries));
        Assert.True(file.IsFull);
        Assert.Equal(0, file.Append(entries, 3, 2));
    }

    [Fact]
    public void Entries_smaller_than_a_header_are_refused()
    {
        using var dir = new LogTempDirectory();
        using var file = IndexFile.Create(dir.Path, 1, 4);
        Assert.Throws<ArgumentException>(() => file.Append([default(LogEntry)]));
        Assert.Equal(0, file.Count);
    }

    [Fact]
    public void Headers_are_read_for_small_and_large_entries()
    {
        using var dir = new LogTempDirectory();
        using var file = IndexFile.Create(dir.Path, 0, 16);
        var entries = new List<LogEntry>();
        for (var i = 0; i < 10; i++)
            entries.Add(LogEntry.Create(LogEntries.Id(i), LogEntryType.State, (ulong)i + 1, new byte[i % 3 == 0 ? 10_000 : 5]));
        file.Append(entries);
        var headers = new EntryHeader[10];
        file.ReadHeaders(0, headers);
        for (var i = 0; i < 10; i++)
            Assert.Equal(new EntryHeader(entries[i].RequestId, entries[i].Type, entries[i].Term), headers[i]);
        Assert.Equal(7UL, file.ReadTerm(6));
    }

    [Fact]
    public void Data_written_without_its_offsets_is_ignored_on_reopen()
    {
        using var dir = new LogTempDirectory();
        var entries = LogEntries.Range(1, 3);
        string path;
        long end;
        using (var file = IndexFile.Create(dir.Path, 1, 16))
        {
            path = file.FilePath;
            file.Append(entries, 0, 2);
            end = file.DataPosition + file.DataSize;
        }
        // a crash after the data of a batch was written, before its offsets: garbage past the last offset
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = end;
            stream.Write(new byte[100].Select(_ => (byte)0xAB).ToArray());
        }
        using (var file = IndexFile.Open(path))
        {
            Assert.Equal(2, file.Count);
            file.Append(entries, 2, 1);
            LogEntries.AssertSame(entries, file.ReadRange(1, 3));
        }
        using (var file = IndexFile.Open(path))
            LogEntries.AssertSame(entries, file.ReadRange(1, 3));
    }

    [Fact]
    public void Partially_written_offsets_table_is_ignored_and_cleared_before_the_next_commit()
    {
        using var dir = new LogTempDirectory();
        var entries = LogEntries.Range(1, 5);
        string path;
        using (var file = IndexFile.Create(dir.Path, 1, 16))
        {
            path = file.FilePath;
            file.Append(entries, 0, 4);
        }
        // offsets [a, 0, c, d]: a torn write (or interrupted rollback) left dirty offsets after a zero
        Patch(path, IndexFileFormat.OffsetPosition(1), 0);
        using (var file = IndexFile.Open(path))
        {
            Assert.Equal(1, file.Count);
            Assert.Equal(1, file.Append(entries, 1, 1));
            // the safety step zeroed the dirty offsets after the new entry before committing it
            Assert.Equal(0u, ReadUInt(path, IndexFileFormat.OffsetPosition(2)));
            Assert.Equal(0u, ReadUInt(path, IndexFileFormat.OffsetPosition(3)));
        }
        using (var file = IndexFile.Open(path))
        {
            Assert.Equal(2, file.Count);
            LogEntries.AssertSame(entries.Take(2).ToList(), file.ReadRange(1, 2));
        }
    }

    [Fact]
    public void Truncate_zeroes_offsets_from_the_index()
    {
        using var dir = new LogTempDirectory();
        var entries = LogEntries.Range(1, 3);
        string path;
        using (var file = IndexFile.Create(dir.Path, 1, 16))
        {
            path = file.FilePath;
            file.Append(entries);
            file.TruncateFrom(2);
            Assert.Equal(1, file.Count);
            Assert.Throws<ArgumentOutOfRangeException>(() => file.TruncateFrom(3));
            file.TruncateFrom(2); // no-op
        }
        Assert.Equal(0u, ReadUInt(path, IndexFileFormat.OffsetPosition(1)));
        Assert.Equal(0u, ReadUInt(path, IndexFileFormat.OffsetPosition(2)));
        using (var file = IndexFile.Open(path))
        {
            Assert.Equal(1, file.Count);
            file.Append(entries, 1, 2);
            LogEntries.AssertSame(entries, file.ReadRange(1, 3));
        }
    }

    [Fact]
    public void Delete_removes_the_file()
    {
        using var dir = new LogTempDirectory();
        var file = IndexFile.Create(dir.Path, 1, 16);
        file.Append(LogEntries.Range(1, 2));
        file.Delete();
        Assert.False(File.Exists(file.FilePath));
    }

    private static string CreateWithEntries(LogTempDirectory dir, int count = 3)
    {
        using var file = IndexFile.Create(dir.Path, 1, 16);
        file.Append(LogEntries.Range(1, count));
        return file.FilePath;
    }

    public static TheoryData<string, long, uint, long> Corruptions => new()
    {
        { "foreign token", 0, 0x50414E53 /* "SNAP" */, 0 },
        { "version", 8, 2, 8 },
        { "capacity 0", 12, 0, 12 },
        { "capacity above max", 12, IndexFileFormat.MaxCapacity + 1, 12 },
        { "header size", 4, 99, 4 },
        { "first index", 16, 7, 16 },
        { "offset backwards", IndexFileFormat.OffsetPosition(2), 3, IndexFileFormat.OffsetPosition(2) },
        { "offset equal", IndexFileFormat.OffsetPosition(1), 0xFFFF_FFFF, IndexFileFormat.OffsetPosition(1) },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Corruption_is_a_storage_exception_with_file_and_offset(string what, long patchAt, uint value, long reportedOffset)
    {
        using var dir = new LogTempDirectory();
        var path = CreateWithEntries(dir);
        if (what == "offset equal")
        {
            // offset 1 equal to offset 0: an entry of 0 bytes
            Patch(path, patchAt, ReadUInt(path, IndexFileFormat.OffsetPosition(0)));
        }
        else
        {
            Patch(path, patchAt, value);
        }
        var e = Assert.Throws<StorageException>(() => IndexFile.Open(path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(reportedOffset, e.Offset);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offset_beyond_the_end_of_the_file_is_refused()
    {
        using var dir = new LogTempDirectory();
        var path = CreateWithEntries(dir);
        Patch(path, IndexFileFormat.OffsetPosition(3), 1_000_000);
        var e = Assert.Throws<StorageException>(() => IndexFile.Open(path));
        Assert.Equal(IndexFileFormat.OffsetPosition(3), e.Offset);
        Assert.Contains("beyond the end", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_marker_and_short_files_are_refused()
    {
        using var dir = new LogTempDirectory();
        var path = CreateWithEntries(dir, 0);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^8]); // drop the ITMZ marker
        Assert.Equal(IndexFileFormat.OffsetPosition(16 - 1 % 16), Assert.Throws<StorageException>(() => IndexFile.Open(path)).Offset);
        File.WriteAllBytes(path, bytes[..10]);
        Assert.Equal(0, Assert.Throws<StorageException>(() => IndexFile.Open(path)).Offset);
        File.WriteAllBytes(path, bytes[..30]);
        Assert.Equal(30, Assert.Throws<StorageException>(() => IndexFile.Open(path)).Offset);
    }

    [Fact]
    public void Invalid_entry_bytes_are_reported_on_read()
    {
        using var dir = new LogTempDirectory();
        var path = CreateWithEntries(dir, 2);
        long position;
        using (var file = IndexFile.Open(path))
            position = file.EntryPosition(2);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = position + 12;
            stream.WriteByte(9); // unknown type
        }
        using var reopened = IndexFile.Open(path);
        var e = Assert.Throws<StorageException>(() => reopened.Read(2));
        Assert.Equal(position, e.Offset);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void Read_only_file_refuses_writes()
    {
        using var dir = new LogTempDirectory();
        var path = CreateWithEntries(dir, 1);
        using var file = IndexFile.Open(path, readOnly: true);
        Assert.Throws<InvalidOperationException>(() => file.Append(LogEntries.Range(2, 1)));
        Assert.Single(file.ReadRange(1, 1));
    }
}
