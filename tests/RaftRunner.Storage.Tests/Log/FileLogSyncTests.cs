using RaftRunner.Protocol;
using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

/// <summary>
/// Readers of a <see cref="FileLog"/> (the Raft peer: TermAt, TryGetRequestIndex, entries) are not held up by a
/// write's fdatasync: the writer syncs outside the log's state lock. Each test holds one sync (<see cref="TestLogIo"/>)
/// and reads from another thread meanwhile; a reader that waited for the sync would never finish.
/// </summary>
public sealed class FileLogSyncTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly LogTempDirectory _dir = new();
    private readonly TestLogIo _io = new();

    public void Dispose()
    {
        _io.Dispose();
        _dir.Dispose();
    }

    private FileLogOptions Options(int capacity = 4, TestLogIo? io = null) => new()
    {
        IndexFileCapacity = capacity,
        TimeProvider = new ManualTime(LogEntries.Now),
        Io = io ?? _io,
    };

    /// <summary>Runs <paramref name="read"/> on another thread and fails unless it finishes promptly.</summary>
    private static void ReadsPromptly(Action read)
    {
        var task = Task.Factory.StartNew(read, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(task.Wait(Patience), "a reader waited for the sync in progress");
        task.GetAwaiter().GetResult();
    }

    private static Task<T> Writer<T>(Func<T> write) =>
        Task.Factory.StartNew(write, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    [Fact]
    public async Task Readers_do_not_wait_for_an_append_sync_and_see_the_entries_once_durable()
    {
        using var log = FileLog.Open(_dir.Path, Options(capacity: 16));
        log.Append(LogEntries.Range(1, 5, term: 2));
        _io.BlockNextSync(path => path.EndsWith(".rlog", StringComparison.Ordinal));
        var append = Writer(() => log.Append(LogEntries.Range(6, 2, term: 3)));
        Assert.True(_io.WaitUntilBlocked(Patience));

        ReadsPromptly(() =>
        {
            Assert.True(log.TryGetRequestIndex(LogEntries.Id(4), out var index));
            Assert.Equal(4, index);
            Assert.Equal(2UL, log.TermAt(3));
            Assert.Equal(2UL, log.TermAt(5));
            LogEntries.AssertSame(LogEntries.Range(1, 5, term: 2), log.GetEntries(1, 5));
            Assert.Equal(5, log.ReadEntries(1, 5).Count());
            Assert.Equal(0, log.PruneIndex); // the oldest remembered id is entry 1's
            Assert.Single(log.DescribeFiles());
            // Not durable yet, so not there for readers.
            Assert.Equal(5, log.LastIndex);
            Assert.Equal(2UL, log.LastTerm);
            Assert.Null(log.TermAt(6));
            Assert.False(log.TryGetRequestIndex(LogEntries.Id(7), out _));
        });
        Assert.False(append.IsCompleted);

        _io.Release();
        Assert.Equal(7, await append.WaitAsync(Patience));
        Assert.Equal(3UL, log.TermAt(6));
        Assert.Equal(3UL, log.LastTerm);
        Assert.True(log.TryGetRequestIndex(LogEntries.Id(7), out var seven));
        Assert.Equal(7, seven);
    }

    [Fact]
    public async Task Readers_do_not_wait_for_the_syncs_of_a_new_file()
    {
        using var log = FileLog.Open(_dir.Path, Options());
        log.Append(LogEntries.Range(1, 3, term: 1)); // the first file (1..3) is full
        _io.BlockNextSync(path => path.EndsWith(".tmp", StringComparison.Ordinal)); // creating 4..7
        var append = Writer(() => log.Append(LogEntries.Range(4, 2, term: 1)));
        Assert.True(_io.WaitUntilBlocked(Patience));
        ReadsPromptly(() =>
        {
            Assert.Equal(3, log.LastIndex);
            Assert.Equal(1UL, log.TermAt(2));
            Assert.True(log.TryGetRequestIndex(LogEntries.Id(1), out var index));
            Assert.Equal(1, index);
            Assert.Single(log.DescribeFiles());
        });
        _io.Release();
        Assert.Equal(5, await append.WaitAsync(Patience));
        Assert.Equal(2, log.DescribeFiles().Count);
    }

    [Fact]
    public async Task Readers_do_not_wait_for_a_truncation_sync_and_no_longer_see_the_removed_entries()
    {
        using (var log = FileLog.Open(_dir.Path, Options()))
        {
            log.Append(LogEntries.Range(1, 10, term: 1));
            log.Append(LogEntries.Range(11, 1, term: 2));
            _io.BlockNextSync(_ => true); // the first sync: emptying file 8..11 before it is deleted
            var truncate = Writer(() =>
            {
                log.TruncateAfter(5, commitIndex: 0);
                return true;
            });
            Assert.True(_io.WaitUntilBlocked(Patience));
            ReadsPromptly(() =>
            {
                Assert.Equal(5, log.LastIndex);
                Assert.Equal(1UL, log.LastTerm);
                Assert.Equal(1UL, log.TermAt(4));
                Assert.Null(log.TermAt(9));
                Assert.False(log.TryGetRequestIndex(LogEntries.Id(7), out _));
                Assert.True(log.TryGetRequestIndex(LogEntries.Id(4), out var index));
                Assert.Equal(4, index);
                LogEntries.AssertSame(LogEntries.Range(1, 5, term: 1), log.GetEntries(1, 5));
                Assert.Throws<ArgumentOutOfRangeException>(() => log.GetEntries(1, 6));
            });
            _io.Release();
            Assert.True(await truncate.WaitAsync(Patience));
            log.Append(LogEntries.Range(6, 1, term: 3));
        }
        using (var reopened = FileLog.Open(_dir.Path, Options()))
        {
            Assert.Equal(6, reopened.LastIndex);
            Assert.Equal(3UL, reopened.LastTerm);
            LogEntries.AssertSame([.. LogEntries.Range(1, 5, term: 1), .. LogEntries.Range(6, 1, term: 3)], reopened.GetEntries(1, 6));
        }
    }

    [Fact]
    public async Task Readers_do_not_wait_while_a_snapshot_replaces_the_log()
    {
        using var log = FileLog.Open(_dir.Combine("log"), Options());
        log.Append(LogEntries.Range(1, 6, term: 2));
        _io.BlockNextSync(path => path.EndsWith(".tmp", StringComparison.Ordinal)); // the new log's first file
        var install = Writer(() => log.SnapshotInstalled(20, 5));
        Assert.True(_io.WaitUntilBlocked(Patience));
        ReadsPromptly(() =>
        {
            Assert.Equal(20, log.LastIndex);
            Assert.Equal(5UL, log.TermAt(20));
            Assert.Null(log.TermAt(3));
            Assert.False(log.TryGetRequestIndex(LogEntries.Id(1), out _));
            Assert.Empty(log.GetEntries(21, 20));
        });
        _io.Release();
        Assert.NotNull(await install.WaitAsync(Patience));
        log.Append(LogEntries.Range(21, 2, term: 5));
        Assert.Equal(22, log.LastIndex);
    }

    /// <summary>
    /// One writer appends (crossing files full by slots and by data), truncates and compacts while readers read
    /// all the time: every read is either refused as out of range (the range moved) or consistent.
    /// </summary>
    [Fact]
    public async Task Concurrent_readers_always_see_a_consistent_log()
    {
        using var io = new TestLogIo(maxDataSize: 1000);
        using var log = FileLog.Open(_dir.Path, Options(capacity: 8, io: io));
        using var stop = new CancellationTokenSource();
        var reads = 0L;
        var readers = Enumerable.Range(0, 3).Select(seed => Task.Factory.StartNew(() =>
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var first = log.FirstIndex;
                var last = log.LastIndex;
                if (last < first)
                    continue;
                var from = random.NextInt64(first, last + 1);
                var to = Math.Min(last, from + random.Next(0, 40));
                try
                {
                    switch (random.Next(4))
                    {
                        case 0:
                            var entries = log.GetEntries(from, to);
                            for (var i = 0; i < entries.Count; i++)
                                Assert.Equal(from + i, SizedEntries.IndexOf(entries[i]));
                            break;
                        case 1:
                            var index = from;
                            foreach (var entry in log.ReadEntries(from, to, maxChunkBytes: 300))
                                Assert.Equal(index++, SizedEntries.IndexOf(entry));
                            break;
                        case 2:
                            _ = log.TermAt(from);
                            _ = log.TermAt(to);
                            break;
                        default:
                            if (log.TryGetRequestIndex(LogEntries.Id(from), out var found))
                                Assert.Equal(from, found);
                            _ = log.PruneIndex;
                            _ = log.DescribeFiles();
                            break;
                    }
                    Interlocked.Increment(ref reads);
                }
                catch (ArgumentOutOfRangeException)
                {
                    // the log moved on (truncated or compacted) between choosing the range and reading it
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        var rng = new Random(42);
        var generation = 0;
        var term = 1UL;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        var operations = 0;
        while (DateTime.UtcNow < deadline || operations < 200)
        {
            operations++;
            var choice = rng.Next(20);
            if (choice < 15)
            {
                var batch = new List<LogEntry>();
                for (var i = 0; i < rng.Next(1, 12); i++)
                    batch.Add(SizedEntries.Make(log.LastIndex + 1 + i, rng.Next(30, 400), term, generation));
                log.Append(batch);
            }
            else if (choice < 18 && log.LastIndex > log.FirstIndex + 3)
            {
                generation++;
                term++;
                log.TruncateAfter(rng.NextInt64(Math.Max(log.SnapshotIndex, log.LastIndex - 30), log.LastIndex), commitIndex: 0);
            }
            else if (log.LastIndex > log.FirstIndex + 10)
            {
                var index = log.LastIndex - rng.Next(0, 10);
                log.SnapshotInstalled(index, log.TermAt(index)!.Value);
                log.DeleteFilesBefore(index + 1);
            }
            if (reads == 0 && operations % 50 == 0)
                Thread.Sleep(1);
        }
        stop.Cancel();
        await Task.WhenAll(readers).WaitAsync(Patience);
        Assert.True(reads > 0);

        var expectedLast = log.LastIndex;
        var expectedFirst = log.FirstIndex;
        var snapshotTerm = log.SnapshotTerm;
        var all = log.GetEntries(expectedFirst, expectedLast);
        log.Dispose();
        using var reopened = FileLog.Open(_dir.Path, Options(capacity: 8, io: io) with { SnapshotIndex = expectedFirst - 1, SnapshotTerm = snapshotTerm });
        Assert.Equal(expectedLast, reopened.LastIndex);
        LogEntries.AssertSame(all, reopened.GetEntries(expectedFirst, expectedLast));
    }
}
