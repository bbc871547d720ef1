using RaftRunner.Protocol;
using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

/// <summary>
/// The benchmark that found it: max-size entries (10 MiB, max-log-entry-data-size) fill an index file's 1 GiB of
/// entry data after 102 entries; the 103rd goes to a file named by its index, with the real limit (no test hook).
/// Writes about 1 GiB.
/// </summary>
public class RealDataLimitTests
{
    [Fact]
    public void Max_size_entries_fill_a_file_by_data_and_the_log_goes_on()
    {
        Assert.Equal(0x3fffffff, IndexFileIo.Default.MaxDataSize);
        using var dir = new LogTempDirectory();
        var data = new byte[10 << 20];
        new Random(1).NextBytes(data);
        const int Count = 104;
        using (var log = FileLog.Open(dir.Path, new FileLogOptions { TimeProvider = new ManualTime(LogEntries.Now) }))
        {
            for (var i = 1; i <= Count; i += 8)
            {
                var batch = new List<LogEntry>();
                for (var k = i; k < i + 8 && k <= Count; k++)
                {
                    BitConverter.TryWriteBytes(data, k);
                    batch.Add(LogEntry.Create(LogEntries.Id(k), LogEntryType.State, 1, data));
                }
                log.Append(batch);
            }
            var files = log.DescribeFiles();
            var perFile = (int)(IndexFileFormat.MaxDataSize / (data.Length + LogEntry.HeaderSize));
            Assert.Equal([1L, 1L + perFile], files.Select(f => f.FirstAllowedIndex));
            Assert.Equal([perFile, Count - perFile], files.Select(f => f.EntryCount));
            Assert.Equal(IndexFileFormat.DefaultCapacity - 1 - perFile, files[1].Capacity);
        }
        using (var log = FileLog.Open(dir.Path, new FileLogOptions { TimeProvider = new ManualTime(LogEntries.Now) }))
        {
            Assert.Equal(Count, log.LastIndex);
            foreach (var index in new long[] { 1, 102, 103, 104 })
            {
                var entry = log.GetEntry(index);
                Assert.Equal(index, BitConverter.ToInt32(entry.Data.Span));
                Assert.True(log.TryGetRequestIndex(LogEntries.Id(index), out var found));
                Assert.Equal(index, found);
            }
            log.TruncateAfter(101, 0);
            Assert.Single(log.DescribeFiles());
        }
    }
}
