using System.Diagnostics;
using RaftRunner.Protocol;
using RaftRunner.Storage.Log;
using Xunit.Abstractions;

namespace RaftRunner.Storage.Tests.Log;

[CollectionDefinition("log-performance", DisableParallelization = true)]
public sealed class LogPerformanceCollection;

/// <summary>Rough speeds (written to the test output) and the 1 M-entry request-id rebuild bound (≤ 2 s).</summary>
[Collection("log-performance")]
public class LogPerformanceTests(ITestOutputHelper output)
{
    private const int Million = 1_000_000;

    [Fact]
    public void Million_entries_rebuild_the_request_id_cache_within_two_seconds()
    {
        using var dir = new LogTempDirectory();
        var now = DateTimeOffset.UtcNow;
        var data = new byte[32];
        var watch = Stopwatch.StartNew();
        using (var log = FileLog.Open(dir.Path, new FileLogOptions()))
        {
            var batch = new List<LogEntry>(16384);
            for (var i = 1; i <= Million; i++)
            {
                batch.Add(LogEntry.Create(LogEntries.Id(i, now), LogEntryType.State, 1, data));
                if (batch.Count == batch.Capacity || i == Million)
                {
                    log.Append(batch);
                    batch.Clear();
                }
            }
            Assert.Equal(Million, log.RequestIds.Count);
        }
        output.WriteLine($"append 1M entries in batches of 16384: {Million / watch.Elapsed.TotalSeconds:N0} entries/s");

        watch.Restart();
        using var reopened = FileLog.Open(dir.Path, new FileLogOptions());
        var rebuild = watch.Elapsed;
        output.WriteLine($"open + request-id cache rebuild of 1M entries: {rebuild.TotalMilliseconds:N0} ms");
        Assert.Equal(Million, reopened.RequestIds.Count);
        Assert.True(reopened.RequestIds.TryGet(LogEntries.Id(123_456, now), out var index));
        Assert.Equal(123_456, index);
        Assert.True(rebuild < TimeSpan.FromSeconds(2), $"rebuild took {rebuild}");

        watch.Restart();
        long count = 0;
        foreach (var entry in reopened.ReadEntries(1, Million))
            count += entry.Size > 0 ? 1 : 0;
        output.WriteLine($"sequential read of 1M entries: {watch.Elapsed.TotalMilliseconds:N0} ms ({Million / watch.Elapsed.TotalSeconds:N0} entries/s)");
        Assert.Equal(Million, count);
    }

    [Theory]
    [InlineData(1, 300)]
    [InlineData(16, 300)]
    [InlineData(256, 100)]
    public void Durable_append_rate(int batchSize, int batches)
    {
        using var dir = new LogTempDirectory();
        using var log = FileLog.Open(dir.Path, new FileLogOptions());
        var batch = LogEntries.Range(1, batchSize, time: DateTimeOffset.UtcNow);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < batches; i++)
            log.Append(batch.Select(e => LogEntry.Create(RequestId.New(), e.Type == LogEntryType.Checkpoint ? LogEntryType.State : e.Type, 1, e.Data.Span)).ToList());
        output.WriteLine($"batches of {batchSize}: {batchSize * batches / watch.Elapsed.TotalSeconds:N0} entries/s ({batches / watch.Elapsed.TotalSeconds:N0} fdatasyncs/s)");
        Assert.Equal((long)batchSize * batches, log.LastIndex);
    }
}
