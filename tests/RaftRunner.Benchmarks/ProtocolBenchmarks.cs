using System.Diagnostics;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Benchmarks;

internal static class ProtocolBenchmarks
{
    private const int Entries = 64;
    private const int EntryData = 100;
    private const int Iterations = 200_000;

    /// <summary>Encode and decode an AppendEntries with 64 entries of 100 B; throughput counts entry data bytes.</summary>
    public static Task<IReadOnlyList<BenchmarkResult>> AppendEntriesCodec(int rounds)
    {
        var payload = new byte[EntryData];
        Random.Shared.NextBytes(payload);
        var entries = Enumerable.Range(0, Entries).Select(i => LogEntry.Create(RequestId.New(), LogEntryType.State, 7, payload)).ToArray();
        var request = new AppendEntriesRequest(12345, "node-1", 7, 1_000_000, 7, 999_990, entries);
        ReadOnlyMemory<byte> secret = "cluster-secret"u8.ToArray();

        var throughput = new List<double>();
        var allocated = new List<double>();
        for (var round = 0; round <= rounds; round++) // round 0 is the warm-up
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Iterations; i++)
            {
                var frames = request.Encode(secret);
                if (!AppendEntriesRequest.TryDecode(frames, out var decoded, out var error) || decoded.Entries.Count != Entries)
                    throw new InvalidOperationException($"round trip failed: {error}");
            }
            clock.Stop();
            var bytesPerOp = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Iterations;
            if (round == 0)
                continue;
            throughput.Add(Iterations * (double)Entries * EntryData / clock.Elapsed.TotalSeconds / 1e6);
            allocated.Add(bytesPerOp);
        }
        IReadOnlyList<BenchmarkResult> results =
        [
            new("AppendEntries encode+decode, 64 × 100 B entries", "MB/s", throughput, "≥ 500 MB/s of entry data", true, 500),
            new("  allocated per encode+decode (64 entries)", "bytes", allocated, "no per-entry copies", false, Entries * EntryData),
        ];
        return Task.FromResult(results);
    }
}
