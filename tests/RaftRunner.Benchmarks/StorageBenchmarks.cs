using System.Diagnostics;
using RaftRunner.Protocol;
using RaftRunner.Storage.Log;

namespace RaftRunner.Benchmarks;

/// <summary>FileLog appends (fdatasync per batch), sequential reads and the request-id cache rebuild, beside the disk's raw dsync rate.</summary>
internal static class StorageBenchmarks
{
    private const int EntryData = 100;
    private const int ReadEntries = 1_000_000;

    public static Task<IReadOnlyList<BenchmarkResult>> FileLog(int rounds)
    {
        var root = Directory.CreateTempSubdirectory("bench-log-").FullName;
        try
        {
            var dsync = DiskRate.DsyncWritesPerSecond(root) ?? double.NaN;
            var results = new List<BenchmarkResult>
            {
                new("disk: dd oflag=dsync, 100 B blocks", "writes/s", [dsync], "(reference)", true, 0),
            };
            foreach (var (batch, target, wanted) in new[] { (1, double.IsNaN(dsync) ? 0 : dsync / 1.5, "≥ dsync rate / 1.5"), (16, 0, "(no target)"), (256, 500_000, "≥ 500,000 entries/s") })
            {
                var measured = new List<double>();
                for (var round = 0; round <= rounds; round++)
                {
                    var rate = AppendRate(Path.Combine(root, $"append-{batch}-{round}"), batch);
                    if (round > 0)
                        measured.Add(rate);
                }
                results.Add(new($"FileLog append, batches of {batch} (fdatasync each)", "entries/s", measured, wanted, true, target));
            }
            var dir = Path.Combine(root, "read");
            Fill(dir, ReadEntries);
            var reads = new List<double>();
            var rebuilds = new List<double>();
            for (var round = 0; round <= rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                using var log = RaftRunner.Storage.Log.FileLog.Open(dir);
                var rebuild = clock.Elapsed.TotalSeconds;
                clock.Restart();
                long count = 0;
                foreach (var _ in log.ReadEntries(log.FirstIndex, log.LastIndex))
                    count++;
                var read = count / clock.Elapsed.TotalSeconds;
                if (round == 0)
                    continue;
                reads.Add(read);
                rebuilds.Add(rebuild);
            }
            results.Add(new("FileLog sequential read of 1 M entries", "entries/s", reads, "(no target)", true, 0));
            results.Add(new("open + request-id cache rebuild, 1 M entries", "s", rebuilds, "≤ 2 s", false, 2));
            return Task.FromResult<IReadOnlyList<BenchmarkResult>>(results);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static double AppendRate(string dir, int batch)
    {
        using var log = RaftRunner.Storage.Log.FileLog.Open(dir);
        var data = new byte[EntryData];
        var total = batch == 1 ? 2_000 : batch == 16 ? 32_000 : 512_000;
        var entries = new LogEntry[batch];
        var clock = Stopwatch.StartNew();
        for (var written = 0; written < total; written += batch)
        {
            for (var i = 0; i < batch; i++)
                entries[i] = LogEntry.Create(RequestId.New(), LogEntryType.State, 1, data);
            log.Append(entries);
        }
        return total / clock.Elapsed.TotalSeconds;
    }

    private static void Fill(string dir, int count)
    {
        using var log = RaftRunner.Storage.Log.FileLog.Open(dir);
        var data = new byte[EntryData];
        var entries = new LogEntry[4096];
        for (var written = 0; written < count; written += entries.Length)
        {
            for (var i = 0; i < entries.Length; i++)
                entries[i] = LogEntry.Create(RequestId.New(), LogEntryType.State, 1, data);
            log.Append(entries);
        }
    }
}
