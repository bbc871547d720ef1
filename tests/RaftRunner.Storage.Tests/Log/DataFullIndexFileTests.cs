using RaftRunner.Protocol;
using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

/// <summary>
/// Index files whose entry data fills up (MAX_DATASIZE) before their slots do: the next file is named by the next
/// index, its capacity ends where the full file's slots end, and everything that finds, reads, truncates, deletes or
/// rebuilds across files follows the entries actually stored. The data limit is lowered to 450 bytes per file
/// (<see cref="TestLogIo"/>) and the entries are 100 bytes, so a file takes 4 entries; with capacity 16:
/// <code>
/// file  1: slots  1..15 (15), entries  1..4  (full by data)
/// file  5: slots  5..15 (11), entries  5..8  (full by data)
/// file  9: slots  9..15 (7),  entries  9..12 (full by data)
/// file 13: slots 13..15 (3),  entries 13..15 (full by slots: 300 bytes)
/// file 16: slots 16..31 (16), entries 16..19 (aligned again)
/// file 20: slots 20..31 (12), entries 20..
/// </code>
/// </summary>
public sealed class DataFullIndexFileTests : IDisposable
{
    private const int Size = 100;
    private readonly LogTempDirectory _dir = new();
    private readonly TestLogIo _io = new(maxDataSize: 450);

    public void Dispose()
    {
        _io.Dispose();
        _dir.Dispose();
    }

    private FileLogOptions Options(int capacity = 16, long snapshotIndex = 0, ulong snapshotTerm = 0, IndexFileIo? io = null) => new()
    {
        IndexFileCapacity = capacity,
        SnapshotIndex = snapshotIndex,
        SnapshotTerm = snapshotTerm,
        TimeProvider = new ManualTime(LogEntries.Now),
        Io = io ?? _io,
    };

    private List<long> Files() => IndexFilePath.Discover(_dir.Path);

    private static List<(long First, int Capacity, int Count, long LastAllowed)> Layout(FileLog log) =>
        log.DescribeFiles().Select(f => (f.FirstAllowedIndex, f.Capacity, f.EntryCount, f.LastAllowedIndex)).ToList();

    private static void AssertReads(FileLog log, IReadOnlyList<LogEntry> expected, long from = 1)
    {
        var to = from + expected.Count - 1;
        LogEntries.AssertSame(expected, log.GetEntries(from, to));
        LogEntries.AssertSame(expected, log.ReadEntries(from, to, maxChunkBytes: 150).ToList());
        for (var i = from; i <= to; i++)
        {
            Assert.Equal(expected[(int)(i - from)].Term, log.TermAt(i));
            Assert.True(expected[(int)(i - from)].Raw.Span.SequenceEqual(log.GetEntry(i).Raw.Span));
        }
    }

    [Fact]
    public void A_file_full_by_data_is_followed_by_a_file_named_by_the_next_index()
    {
        var entries = SizedEntries.Range(1, 20, Size, term: 2);
        using (var log = FileLog.Open(_dir.Path, Options()))
        {
            Assert.Equal(20, log.Append(entries)); // one batch across five file boundaries
            Assert.Equal(
                [(1L, 15, 4, 15L), (5L, 11, 4, 15L), (9L, 7, 4, 15L), (13L, 3, 3, 15L), (16L, 16, 4, 31L), (20L, 12, 1, 31L)],
                Layout(log));
            Assert.Equal([400L, 400L, 400L, 300L, 400L, 100L], log.DescribeFiles().Select(f => f.DataSize));
            AssertReads(log, entries);
            Assert.Equal(20, log.LastIndex);
            Assert.Equal(2UL, log.LastTerm);
            Assert.Equal([4L, 4L, 8L, 12L, 15L, 19L, 20L], new long[] { 1, 4, 5, 12, 13, 16, 20 }.Select(log.LastIndexInFileOf));
            Assert.Throws<ArgumentOutOfRangeException>(() => log.LastIndexInFileOf(21));
        }
        Assert.Equal([1L, 5L, 9L, 13L, 16L, 20L], Files());

        // Reopened: found by name, chain checked, capacity kept; appending goes on in the last file.
        var more = SizedEntries.Range(21, 8, Size, term: 3);
        using (var log = FileLog.Open(_dir.Path, Options(capacity: 64)))
        {
            Assert.Equal(16, log.IndexFileCapacity);
            Assert.Equal(20, log.LastIndex);
            Assert.Equal(2UL, log.LastTerm);
            AssertReads(log, entries);
            log.Append(more[..3]);
            log.Append(more[3..]);
            Assert.Equal(28, log.LastIndex);
            Assert.Equal([1L, 5L, 9L, 13L, 16L, 20L, 24L, 28L], log.DescribeFiles().Select(f => f.FirstAllowedIndex));
            Assert.Equal([15, 11, 7, 3, 16, 12, 8, 4], log.DescribeFiles().Select(f => f.Capacity));
            AssertReads(log, [.. entries, .. more]);
        }

        // With the real limit (1 GiB) the same files read the same, and the last file takes entries while it has slots.
        using (var log = FileLog.Open(_dir.Path, Options(io: IndexFileIo.Default)))
        {
            AssertReads(log, [.. entries, .. more]);
            log.Append(SizedEntries.Range(29, 5, Size, term: 3));
            Assert.Equal([28L, 32L], log.DescribeFiles().Skip(7).Select(f => f.FirstAllowedIndex)); // 28..31 full by slots, then 32
        }
    }

    [Fact]
    public void Entries_of_mixed_sizes_and_kinds_and_the_request_id_cache_across_full_files()
    {
        var entries = new List<LogEntry>();
        var random = new Random(7);
        for (var i = 1; i <= 60; i++)
        {
            entries.Add((i % 5) switch
            {
                0 => LogEntry.Checkpoint((ulong)(i / 10 + 1)),
                1 => SizedEntries.Make(i, 430, (ulong)(i / 10 + 1), type: LogEntryType.Config), // alone in a file, nearly
                _ => SizedEntries.Make(i, random.Next(LogEntry.HeaderSize + 8, 200), (ulong)(i / 10 + 1)),
            });
        }
        using (var log = FileLog.Open(_dir.Path, Options(capacity: 8)))
        {
            for (var done = 0; done < entries.Count;)
            {
                var n = Math.Min(entries.Count - done, random.Next(1, 9));
                log.Append(entries.GetRange(done, n));
                done += n;
            }
            AssertReads(log, entries);
            Assert.All(log.DescribeFiles(), f => Assert.True(f.DataSize <= 450));
            Assert.Contains(log.DescribeFiles(), f => f.NextIndex <= f.LastAllowedIndex && f.FirstAllowedIndex != log.DescribeFiles()[^1].FirstAllowedIndex);
        }
        using (var log = FileLog.Open(_dir.Path, Options(capacity: 8)))
        {
            AssertReads(log, entries);
            // The cache is rebuilt from the files, backwards across every boundary.
            for (var i = 1; i <= 60; i++)
            {
                if (i % 5 == 0)
                    continue;
                Assert.True(log.TryGetRequestIndex(LogEntries.Id(i), out var index), $"request id of entry {i}");
                Assert.Equal(i, index);
            }
            Assert.Equal(48, log.RequestIds.Count);
            Assert.Equal(1, log.RequestIds.FirstFreshIndex);
        }
    }

    [Fact]
    public void Truncation_across_full_files_deletes_the_files_after_and_appending_goes_on()
    {
        var first = SizedEntries.Range(1, 14, Size, term: 1);
        using (var log = FileLog.Open(_dir.Path, Options()))
        {
            log.Append(first);
            Assert.Equal([1L, 5L, 9L, 13L], Files());

            log.TruncateAfter(6, commitIndex: 0); // into the middle of the second file
            Assert.Equal([1L, 5L], Files());
            Assert.Equal(6, log.LastIndex);
            Assert.Null(log.TermAt(7));
            Assert.False(log.TryGetRequestIndex(LogEntries.Id(7), out _));
            AssertReads(log, first[..6]);

            var second = SizedEntries.Range(7, 3, Size, term: 2, generation: 1); // 7, 8 fit where 7, 8 were; 9 starts file 9
            log.Append(second);
            Assert.Equal([1L, 5L, 9L], Files());
            AssertReads(log, [.. first[..6], .. second]);

            log.TruncateAfter(4, 0); // the last entry of a file full by data: every later file goes
            Assert.Equal([1L], Files());
            Assert.Equal(4, log.LastIndex);
            Assert.Equal(1UL, log.LastTerm);

            var third = SizedEntries.Range(5, 2, Size, term: 3, generation: 2);
            log.Append(third); // file 1 is still full by data
            Assert.Equal([1L, 5L], Files());
            log.TruncateAfter(5, 0); // the first entry of the second file stays
            Assert.Equal([1L, 5L], Files());
            AssertReads(log, [.. first[..4], third[0]]);
        }
        using (var log = FileLog.Open(_dir.Path, Options()))
        {
            Assert.Equal(5, log.LastIndex);
            Assert.Equal(3UL, log.LastTerm);
            Assert.True(log.TryGetRequestIndex(LogEntries.Id(5), out var index));
            Assert.Equal(5, index);
            Assert.False(log.TryGetRequestIndex(LogEntries.Id(6), out _));
            log.TruncateAfter(0, 0);
            Assert.Equal([1L], Files());
            Assert.Equal(0, log.LastIndex);
        }
    }

    [Fact]
    public void Files_before_an_index_are_deleted_by_their_entries_and_the_log_reopens_after_the_snapshot()
    {
        var entries = SizedEntries.Range(1, 20, Size, term: 4);
        using (var log = FileLog.Open(_dir.Path, Options()))
        {
            log.Append(entries);
            Assert.Null(log.SnapshotInstalled(10, 4));
            var removed = log.DeleteFilesBefore(100); // limited by the snapshot: files whose entries all are ≤ 10
            Assert.Equal(2, removed.Count);
            Assert.EndsWith("00000000000001.rlog", removed[0], StringComparison.Ordinal);
            Assert.EndsWith("00000000000005.rlog", removed[1], StringComparison.Ordinal);
            Assert.Equal([9L, 13L, 16L, 20L], Files()); // file 9 holds 9..12: 11 and 12 are still needed
            AssertReads(log, entries[10..], from: 11);
        }
        using (var log = FileLog.Open(_dir.Path, Options(snapshotIndex: 10, snapshotTerm: 4)))
        {
            Assert.Equal(11, log.FirstIndex);
            Assert.Equal(20, log.LastIndex);
            // The first file (9, 7 slots) ends on a multiple of the configured 16: new files keep 16 slots.
            Assert.Equal(16, log.IndexFileCapacity);
            AssertReads(log, entries[10..], from: 11);
            Assert.Equal(4UL, log.TermAt(10));
            Assert.Null(log.TermAt(9));
            Assert.Null(log.SnapshotInstalled(17, 4));
            Assert.Equal(2, log.DeleteFilesBefore(100).Count); // 9..12 and 13..15; 16..19 still holds 18 and 19
            Assert.Equal([16L, 20L], Files());
            Assert.Null(log.SnapshotInstalled(20, 4));
            Assert.Single(log.DeleteFilesBefore(100)); // 16..19; the last file always stays
            Assert.Equal([20L], Files());
        }
        using (var log = FileLog.Open(_dir.Path, Options(capacity: 4, snapshotIndex: 20, snapshotTerm: 4)))
        {
            // 20 with 12 slots implies 16 (zmq-raft's rule: the next power of 2); a smaller configured capacity changes nothing.
            Assert.Equal(16, log.IndexFileCapacity);
            Assert.Equal(21, log.FirstIndex);
            Assert.Equal(20, log.LastIndex);
            Assert.Equal(4UL, log.LastTerm);
        }
    }

    [Fact]
    public void The_configured_capacity_is_kept_only_when_the_first_file_ends_on_it()
    {
        // A first file of 5 slots (11..15) would imply 8 by zmq-raft's rule; the log was made with 16.
        using (var log = FileLog.Open(_dir.Path, Options(snapshotIndex: 10, snapshotTerm: 1)))
        {
            Assert.Equal(5, log.DescribeFiles()[0].Capacity);
            log.Append(SizedEntries.Range(11, 12, Size));
        }
        using (var log = FileLog.Open(_dir.Path, Options(snapshotIndex: 10, snapshotTerm: 1)))
            Assert.Equal(16, log.IndexFileCapacity);
        using (var log = FileLog.Open(_dir.Path, Options(capacity: 64, snapshotIndex: 10, snapshotTerm: 1)))
            Assert.Equal(8, log.IndexFileCapacity); // 16 is not a multiple of 64: zmq-raft's rule
    }

    [Fact]
    public void A_gap_or_an_overlap_after_a_file_full_by_data_is_a_storage_exception()
    {
        using (var log = FileLog.Open(_dir.Path, Options()))
            log.Append(SizedEntries.Range(1, 4, Size));
        using (var gap = IndexFile.Create(_dir.Path, 6, 16))
            gap.Append([SizedEntries.Make(6, Size)]);
        var e = Assert.Throws<StorageException>(() => FileLog.Open(_dir.Path, Options()).Dispose());
        Assert.EndsWith("00000000000001.rlog", e.FilePath, StringComparison.Ordinal);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);

        File.Delete(IndexFilePath.FullPath(_dir.Path, 6));
        using (var overlap = IndexFile.Create(_dir.Path, 4, 16))
            overlap.Append([SizedEntries.Make(4, Size)]);
        e = Assert.Throws<StorageException>(() => FileLog.Open(_dir.Path, Options()).Dispose());
        Assert.Contains("two files", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void What_zmq_raft_leaves_when_a_file_fills_by_data_is_opened_and_continued()
    {
        // zmq-raft 0.5.0 creates the next file after the full file's last slot (16 here) and fails to write there:
        // an empty file that does not follow the last entry. It is an empty trailing file: dropped on opening.
        using (var log = FileLog.Open(_dir.Path, Options()))
            log.Append(SizedEntries.Range(1, 4, Size));
        IndexFile.Create(_dir.Path, 16, 16).Dispose();
        using (var ro = FileLog.Open(_dir.Path, Options() with { ReadOnly = true }))
            Assert.Equal(4, ro.LastIndex);
        Assert.Equal([1L, 16L], Files());
        using (var log = FileLog.Open(_dir.Path, Options()))
        {
            Assert.Equal([1L], Files());
            log.Append(SizedEntries.Range(5, 2, Size));
            Assert.Equal([1L, 5L], Files());
            AssertReads(log, SizedEntries.Range(1, 6, Size));
        }
    }

    [Fact]
    public void An_entry_larger_than_a_file_holds_is_refused_before_anything_is_written()
    {
        using var log = FileLog.Open(_dir.Path, Options());
        log.Append(SizedEntries.Range(1, 2, Size));
        var e = Assert.Throws<ArgumentException>(() => log.Append([SizedEntries.Make(3, Size), SizedEntries.Make(4, 451)]));
        Assert.Contains("451", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, log.LastIndex);
        log.Append([SizedEntries.Make(3, 450)]); // exactly the limit: a file of its own
        Assert.Equal([1L, 3L], Files());
        Assert.Equal(3, log.LastIndex);
    }
}
