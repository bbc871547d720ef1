using RaftRunner.Protocol;
using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

public class FileLogTests
{
    private static FileLogOptions Options(int capacity = 4, long snapshotIndex = 0, ulong snapshotTerm = 0, TimeProvider? time = null) => new()
    {
        IndexFileCapacity = capacity,
        SnapshotIndex = snapshotIndex,
        SnapshotTerm = snapshotTerm,
        TimeProvider = time ?? new ManualTime(LogEntries.Now),
    };

    private static List<string> Files(string dir) =>
        IndexFilePath.Discover(dir).Select(i => IndexFilePath.RelativePath(i).Replace(Path.DirectorySeparatorChar, '/')).ToList();

    [Fact]
    public void New_log_is_empty_with_one_file()
    {
        using var dir = new LogTempDirectory();
        var logDir = dir.Combine("log");
        using var log = FileLog.Open(logDir, Options());
        Assert.Equal(1, log.FirstIndex);
        Assert.Equal(0, log.LastIndex);
        Assert.Equal(0UL, log.LastTerm);
        Assert.Equal(["00000/00/00/00000000000001.rlog"], Files(logDir));
        Assert.Equal(0UL, log.TermAt(0));
        Assert.Null(log.TermAt(1));
        Assert.Empty(log.GetEntries(1, 0));
    }

    [Fact]
    public void Append_crosses_files_and_reads_back_after_reopen()
    {
        using var dir = new LogTempDirectory();
        var entries = LogEntries.Range(1, 14, term: 3);
        using (var log = FileLog.Open(dir.Path, Options()))
        {
            Assert.Equal(5, log.Append(entries.GetRange(0, 5)));
            Assert.Equal(14, log.Append(entries.GetRange(5, 9)));
            Assert.Equal(14, log.Append([]));
            LogEntries.AssertSame(entries, log.GetEntries(1, 14));
            LogEntries.AssertSame(entries, log.ReadEntries(1, 14, maxChunkBytes: 40).ToList());
        }
        // capacity 4: 1..3, 4..7, 8..11, 12..15
        Assert.Equal(["00000/00/00/00000000000001.rlog", "00000/00/00/00000000000004.rlog", "00000/00/00/00000000000008.rlog", "00000/00/00/0000000000000c.rlog"], Files(dir.Path));
        using (var log = FileLog.Open(dir.Path, Options(capacity: 64))) // an existing log keeps its capacity
        {
            Assert.Equal(4, log.IndexFileCapacity);
            Assert.Equal(1, log.FirstIndex);
            Assert.Equal(14, log.LastIndex);
            Assert.Equal(3UL, log.LastTerm);
            LogEntries.AssertSame(entries, log.GetEntries(1, 14));
            Assert.Equal(entries[6], log.GetEntry(7));
            Assert.Equal(3UL, log.TermAt(9));
            Assert.Throws<ArgumentOutOfRangeException>(() => log.GetEntry(15));
            Assert.Throws<ArgumentOutOfRangeException>(() => log.GetEntries(0, 3));
            log.Append(LogEntries.Range(15, 2, term: 4));
            Assert.Equal(16, log.LastIndex);
            Assert.Equal(4UL, log.TermAt(16));
        }
        Assert.Contains("00000/00/00/00000000000010.rlog", Files(dir.Path));
    }

    [Fact]
    public void Truncate_after_removes_files_and_keeps_a_prefix()
    {
        using var dir = new LogTempDirectory();
        var entries = new List<LogEntry>();
        for (var i = 1; i <= 13; i++)
            entries.Add(LogEntries.Make(i, term: (ulong)(i / 5 + 1)));
        using (var log = FileLog.Open(dir.Path, Options()))
        {
            log.Append(entries);
            log.TruncateAfter(5, commitIndex: 2);
            Assert.Equal(5, log.LastIndex);
            Assert.Equal(2UL, log.LastTerm);
            Assert.Equal(["00000/00/00/00000000000001.rlog", "00000/00/00/00000000000004.rlog"], Files(dir.Path));
            log.TruncateAfter(9, 2); // past the end: nothing to do
            log.Append(LogEntries.Range(100, 3, term: 7));
            Assert.Equal(8, log.LastIndex);
        }
        using (var log = FileLog.Open(dir.Path, Options()))
        {
            Assert.Equal(8, log.LastIndex);
            Assert.Equal(7UL, log.LastTerm);
            LogEntries.AssertSame([.. entries.Take(5), .. LogEntries.Range(100, 3, term: 7)], log.GetEntries(1, 8));
            log.TruncateAfter(3, 0); // exactly at a file boundary: the file after is deleted
            Assert.Equal(["00000/00/00/00000000000001.rlog"], Files(dir.Path));
            Assert.Equal(3, log.LastIndex);
            log.TruncateAfter(0, 0); // everything: the first file stays, empty
            Assert.Equal(0, log.LastIndex);
            Assert.Equal(0UL, log.LastTerm);
            Assert.Equal(["00000/00/00/00000000000001.rlog"], Files(dir.Path));
        }
    }

    [Fact]
    public void Truncation_below_the_commit_index_is_refused_and_changes_nothing()
    {
        using var dir = new LogTempDirectory();
        using var log = FileLog.Open(dir.Path, Options());
        log.Append(LogEntries.Range(1, 10));
        var before = Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (f, File.ReadAllBytes(f))).ToList();
        var e = Assert.Throws<LogTruncationException>(() => log.TruncateAfter(4, commitIndex: 6));
        Assert.IsAssignableFrom<InvalidOperationException>(e);
        Assert.Equal(4, e.Index);
        Assert.Equal(6, e.CommitIndex);
        Assert.Equal(10, log.LastIndex);
        var after = Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (f, File.ReadAllBytes(f))).ToList();
        Assert.Equal(before.Select(b => b.f), after.Select(a => a.f));
        for (var i = 0; i < before.Count; i++)
            Assert.Equal(before[i].Item2, after[i].Item2);
        log.TruncateAfter(6, 6); // at the commit index is fine
        Assert.Equal(6, log.LastIndex);
    }

    [Fact]
    public void First_index_follows_the_snapshot()
    {
        using var dir = new LogTempDirectory();
        using (var log = FileLog.Open(dir.Path, Options()))
            log.Append(LogEntries.Range(1, 10, term: 2));
        using (var log = FileLog.Open(dir.Path, Options(snapshotIndex: 5, snapshotTerm: 2)))
        {
            Assert.Equal(6, log.FirstIndex);
            Assert.Equal(10, log.LastIndex);
            Assert.Equal(2UL, log.TermAt(5));
            Assert.Null(log.TermAt(4));
            Assert.Throws<ArgumentOutOfRangeException>(() => log.GetEntry(5));
            Assert.Throws<ArgumentOutOfRangeException>(() => log.TruncateAfter(4, 0));
            log.TruncateAfter(5, 5);
            Assert.Equal(5, log.LastIndex);
            Assert.Equal(2UL, log.LastTerm);
        }
    }

    [Fact]
    public void A_new_log_after_a_snapshot_starts_at_the_next_index()
    {
        using var dir = new LogTempDirectory();
        using var log = FileLog.Open(dir.Path, Options(snapshotIndex: 137_438_953_217, snapshotTerm: 9));
        Assert.Equal(137_438_953_218, log.FirstIndex);
        Assert.Equal(137_438_953_217, log.LastIndex);
        Assert.Equal(9UL, log.LastTerm);
        Assert.Equal(["00001/ff/ff/00001fffffff02.rlog"], Files(dir.Path));
        log.Append(LogEntries.Range(0, 3, term: 9));
        Assert.Equal(137_438_953_220, log.LastIndex);
    }

    [Fact]
    public void Snapshot_that_does_not_reach_the_log_is_refused()
    {
        using var dir = new LogTempDirectory();
        using (FileLog.Open(dir.Path, Options(snapshotIndex: 10, snapshotTerm: 1))) { }
        var e = Assert.Throws<StorageException>(() => FileLog.Open(dir.Path, Options(snapshotIndex: 3)));
        Assert.EndsWith("0000000000000b.rlog", e.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void Compaction_snapshot_moves_the_first_index_and_files_are_deleted_on_request()
    {
        using var dir = new LogTempDirectory();
        using var log = FileLog.Open(dir.Path, Options());
        log.Append(LogEntries.Range(1, 14, term: 2));
        Assert.Null(log.SnapshotInstalled(9, 2));
        Assert.Equal(10, log.FirstIndex);
        Assert.Equal(9, log.SnapshotIndex);
        Assert.Equal(4, Files(dir.Path).Count);
        var removed = log.DeleteFilesBefore(100); // limited by the snapshot: only files entirely ≤ 9
        Assert.Equal(2, removed.Count);
        Assert.EndsWith("00000000000001.rlog", removed[0], StringComparison.Ordinal);
        Assert.EndsWith("00000000000004.rlog", removed[1], StringComparison.Ordinal);
        Assert.Equal(["00000/00/00/00000000000008.rlog", "00000/00/00/0000000000000c.rlog"], Files(dir.Path));
        LogEntries.AssertSame(LogEntries.Range(10, 5, term: 2), log.GetEntries(10, 14));
        log.Dispose();
        using var reopened = FileLog.Open(dir.Path, Options(snapshotIndex: 9, snapshotTerm: 2));
        Assert.Equal(10, reopened.FirstIndex);
        Assert.Equal(14, reopened.LastIndex);
    }

    [Fact]
    public void Delete_files_before_respects_the_prune_index()
    {
        using var dir = new LogTempDirectory();
        var time = new ManualTime(LogEntries.Now);
        using var log = FileLog.Open(dir.Path, Options(time: time));
        var old = LogEntries.Now - TimeSpan.FromHours(10);
        log.Append(LogEntries.Range(1, 7, term: 1, time: old)); // expired on arrival: not remembered
        log.Append(LogEntries.Range(8, 6, term: 1));            // 8..13 fresh
        log.SnapshotInstalled(12, 1);
        Assert.Equal(9, log.RequestIds.FirstFreshIndex); // 8 is a CHECKPOINT (no request id)
        Assert.Equal(8, log.PruneIndex);
        var removed = log.DeleteObsoleteFiles(); // min(prune 8, snapshot 12) + 1 = 9: files 1..3 and 4..7
        Assert.Equal(2, removed.Count);
        Assert.Equal(["00000/00/00/00000000000008.rlog", "00000/00/00/0000000000000c.rlog"], Files(dir.Path));
    }

    [Fact]
    public void Snapshot_past_the_end_replaces_the_log()
    {
        using var dir = new LogTempDirectory();
        var logDir = dir.Combine("log");
        using var log = FileLog.Open(logDir, Options());
        log.Append(LogEntries.Range(1, 6, term: 2));
        var rotated = log.SnapshotInstalled(20, 5);
        Assert.NotNull(rotated);
        Assert.StartsWith(logDir + "-", rotated, StringComparison.Ordinal);
        Assert.Equal(2, IndexFilePath.Discover(rotated).Count);
        Assert.Equal(21, log.FirstIndex);
        Assert.Equal(20, log.LastIndex);
        Assert.Equal(5UL, log.LastTerm);
        Assert.Equal(["00000/00/00/00000000000015.rlog"], Files(logDir));
        log.Append(LogEntries.Range(21, 2, term: 5));
        Assert.Equal(22, log.LastIndex);
    }

    [Fact]
    public void Snapshot_with_a_conflicting_term_replaces_the_log()
    {
        using var dir = new LogTempDirectory();
        var logDir = dir.Combine("log");
        using var log = FileLog.Open(logDir, Options());
        log.Append(LogEntries.Range(1, 6, term: 2));
        Assert.NotNull(log.SnapshotInstalled(4, 3));
        Assert.Equal(4, log.LastIndex);
        Assert.Equal(5, log.FirstIndex);
        Assert.Throws<ArgumentOutOfRangeException>(() => log.SnapshotInstalled(2, 2));
    }

    [Fact]
    public void Opening_with_a_snapshot_past_the_end_discards_the_log()
    {
        using var dir = new LogTempDirectory();
        var logDir = dir.Combine("log");
        using (var log = FileLog.Open(logDir, Options()))
            log.Append(LogEntries.Range(1, 5));
        using (var log = FileLog.Open(logDir, Options(snapshotIndex: 30, snapshotTerm: 4)))
        {
            Assert.Equal(31, log.FirstIndex);
            Assert.Equal(30, log.LastIndex);
            Assert.Equal(4UL, log.LastTerm);
        }
        Assert.Single(Directory.GetDirectories(dir.Path, "log-*"));
    }

    [Fact]
    public void Empty_trailing_files_are_removed_on_open()
    {
        using var dir = new LogTempDirectory();
        using (var log = FileLog.Open(dir.Path, Options()))
            log.Append(LogEntries.Range(1, 3));
        // as if a crash happened right after the next file was created
        IndexFile.Create(dir.Path, 4, 4).Dispose();
        using (var ro = FileLog.Open(dir.Path, Options() with { ReadOnly = true }))
            Assert.Equal(3, ro.LastIndex);
        Assert.Equal(2, Files(dir.Path).Count);
        using (var log = FileLog.Open(dir.Path, Options()))
        {
            Assert.Equal(3, log.LastIndex);
            Assert.Single(Files(dir.Path));
            log.Append(LogEntries.Range(4, 2));
            Assert.Equal(5, log.LastIndex);
        }
    }

    [Fact]
    public void A_gap_in_the_middle_of_the_log_is_a_storage_exception()
    {
        using var dir = new LogTempDirectory();
        using (var log = FileLog.Open(dir.Path, Options()))
            log.Append(LogEntries.Range(1, 9));
        using (var file = IndexFile.Open(IndexFilePath.FullPath(dir.Path, 4)))
            file.TruncateFrom(6); // file 4..7 no longer full, yet 8..11 follows
        var e = Assert.Throws<StorageException>(() =>
        {
            using var log = FileLog.Open(dir.Path, Options());
            log.GetEntries(1, 9);
        });
        Assert.EndsWith("00000000000004.rlog", e.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_only_log_refuses_writes_and_creates_nothing()
    {
        using var dir = new LogTempDirectory();
        Assert.Throws<StorageException>(() => FileLog.Open(dir.Combine("missing"), Options() with { ReadOnly = true }));
        Assert.False(Directory.Exists(dir.Combine("missing")));
        using (var log = FileLog.Open(dir.Path, Options()))
            log.Append(LogEntries.Range(1, 2));
        using var ro = FileLog.Open(dir.Path, Options() with { ReadOnly = true });
        Assert.Throws<InvalidOperationException>(() => ro.Append(LogEntries.Range(3, 1)));
        Assert.Throws<InvalidOperationException>(() => ro.TruncateAfter(0, 0));
        Assert.Equal(2, ro.GetEntries(1, 2).Count);
        Assert.Equal(0, ro.RequestIds.Count);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        using var dir = new LogTempDirectory();
        Assert.Throws<ArgumentOutOfRangeException>(() => FileLog.Open(dir.Path, Options(capacity: 6)));
        Assert.Throws<ArgumentException>(() => FileLog.Open(dir.Path, Options() with { RequestIdTtl = null, RequestIdCacheMax = null }));
        using var log = FileLog.Open(dir.Path, Options());
        Assert.Throws<ArgumentException>(() => log.Append([default(LogEntry)]));
        Assert.Equal(0, log.LastIndex);
    }

    [Fact]
    public void Inspection_reports_files_and_ranges()
    {
        using var dir = new LogTempDirectory();
        using (var log = FileLog.Open(dir.Combine("log"), Options()))
            log.Append(LogEntries.Range(1, 9, term: 6));
        var report = LogInspector.Inspect(dir.Path, snapshotIndex: 2, snapshotTerm: 6);
        Assert.Equal(dir.Combine("log"), report.LogDirectory);
        Assert.Equal(3, report.FirstIndex);
        Assert.Equal(9, report.LastIndex);
        Assert.Equal(6UL, report.LastTerm);
        Assert.Equal(7, report.EntryCount);
        Assert.Equal(9, report.StoredEntryCount);
        Assert.Equal([1L, 4L, 8L], report.Files.Select(f => f.FirstAllowedIndex));
        Assert.Equal([3L, 7L, 11L], report.Files.Select(f => f.LastAllowedIndex));
        Assert.Equal([3, 4, 2], report.Files.Select(f => f.EntryCount));
        Assert.Equal(Path.Combine("00000", "00", "00", "00000000000001.rlog"), report.Files[0].RelativePath);
        Assert.NotNull(report.Files[0].Meta?.Created);
        Assert.Equal(dir.Combine("log"), LogInspector.Inspect(dir.Combine("log")).LogDirectory);
    }
}
