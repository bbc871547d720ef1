using System.Diagnostics;
using System.Runtime;
using RaftRunner.Actors;
using RaftRunner.Node;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.Testing;
using static RaftRunner.Benchmarks.NodeBench;

namespace RaftRunner.Benchmarks;

/// <summary>
/// "snapshot-pause": the longest pause in applies while a one-node cluster snapshots a ~1 GiB key-value state under
/// load. The state is filled through the node (17,477 changes of a 60 KiB value); snapshot-interval is set so the
/// node's own snapshot manager starts the snapshot after the fill, while a closed-loop load of small changes keeps
/// running; every apply is timestamped by a wrapper around <see cref="KeyValueStateMachine"/>. The pause is the
/// longest gap between two consecutive applies from the capture until the log is compacted; for comparison, the
/// same is measured over equally long windows of the same load without a snapshot, just before and after it.
/// One round whatever the rounds argument (the fill alone writes 1 GiB through the log).
/// </summary>
internal static class SnapshotPauseBenchmark
{
    // 60 KiB, not 64 KiB: an index file holds at most 0x3fffffff bytes of entry data (zmq-raft's MAX_DATASIZE), and
    // 16,384 entries (log-index-file-capacity) of 64 KiB plus headers go past it; the node's FileLog then fails the
    // append (StorageException) instead of starting the next file, and the node stops. 16,384 of 60 KiB fit.
    private const int FillValueSize = 60 * 1024;
    private const int FillEntries = (1 << 30) / FillValueSize + 1; // 17,477: just over 1 GiB of values
    private const int FillInFlight = 32;
    private const int LoadValueSize = 100;
    private const int LoadInFlight = 256;

    /// <summary>Small changes applied after the fill before the snapshot starts: the load runs a while without one first.</summary>
    private const int LoadBeforeSnapshot = 600_000;

    private const int RecordedApplies = 8 << 20;

    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    public static async Task<IReadOnlyList<BenchmarkResult>> Run(int rounds)
    {
        _ = rounds; // one round: see the summary
        Console.WriteLine($"snapshot-pause (one round): fill {N(FillEntries)} × {FillValueSize / 1024} KiB through one node, then {LoadInFlight} small changes in flight while it snapshots (snapshot writeback every {Storage.Snapshots.SnapshotWriter.DefaultWritebackInterval >> 20} MiB); GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}; load average {LoadAverage()} on {Environment.ProcessorCount} cores");
        var origin = Stopwatch.GetTimestamp();
        var root = Directory.CreateTempSubdirectory("bench-snapshot-pause-").FullName;
        ActorSystem? system = null;
        ChangeLoad? load = null;
        using var gc = new GcPauses();
        Probes? probes = null;
        try
        {
            var port = FreePort.Next();
            var dataDirectory = Path.Combine(root, "s1");
            var url = $"tcp://127.0.0.1:{port}";
            var settings = Settings("s1", port, dataDirectory, [new PeerInfo("s1", url)], FillEntries + LoadBeforeSnapshot);
            var log = new LogCapture("s1", origin);
            system = ActorSystem.Create("bench-snapshot-pause", options: new ActorSystemOptions { LoggerFactory = log });
            var machine = new RecordingMachine(new KeyValueStateMachine(), RecordedApplies);
            var node = system.ActorOf(RaftRunnerActor.Props(settings, machine), "raft");
            if (Probes.Enabled)
                probes = new Probes(root, node);
            await Until("s1 leads", TimeSpan.FromSeconds(30), async () => (await TryStatus(node))?.Role == RaftRole.Leader ? "" : null);

            // Fill: ~1 GiB of state, through the node (log, commit, apply).
            var baseValue = new byte[FillValueSize];
            new Random(1).NextBytes(baseValue);
            var fillStart = Stopwatch.GetTimestamp();
            var fill = new ChangeLoad(node, i => KeyValueCommands.Set($"big-{i:D6}", Numbered(baseValue, i)), FillInFlight, FillEntries, 0, TimeSpan.FromSeconds(60));
            await Within(fill.Completion, TimeSpan.FromMinutes(20), "the fill");
            if (fill.Failed > 0)
                throw new InvalidOperationException($"{fill.Failed} fill changes failed; first: {fill.FirstError}");
            var fillEnd = Stopwatch.GetTimestamp();
            var fillSeconds = Seconds(fillStart, fillEnd);
            Say($"fill: {N(FillEntries)} changes ({N((long)FillEntries * FillValueSize >> 20)} MiB) in {F(fillSeconds, "0.00")} s = {F(FillEntries * (double)FillValueSize / (1 << 20) / fillSeconds)} MiB/s, {F(FillEntries / fillSeconds, "0")} changes/s; GC heap {N(GC.GetGCMemoryInfo().HeapSizeBytes >> 20)} MiB");

            // The load of small changes; the node snapshots once LoadBeforeSnapshot of them are applied.
            var loadValue = new byte[LoadValueSize];
            new Random(2).NextBytes(loadValue);
            var loadStart = Stopwatch.GetTimestamp();
            load = new ChangeLoad(node, i => KeyValueCommands.Set($"small-{i:D8}", loadValue), LoadInFlight, long.MaxValue, 4 << 20, TimeSpan.FromSeconds(60));
            var capture = await Within(machine.FirstCapture.Task, TimeSpan.FromMinutes(10), "the snapshot's start (capture)");
            Say($"snapshot started {F(Seconds(loadStart, capture), "0.00")} s after the load did ({N(load.Applied)} small changes applied)");
            var written = await Within(machine.FirstWriterDone.Task, TimeSpan.FromMinutes(30), "the snapshot writer");
            // The applier's and the snapshot manager's log lines mark the install and the compaction (no message says so).
            var installed = await Until("the snapshot installed ('Took a snapshot' logged)", TimeSpan.FromMinutes(2), () => Task.FromResult(log.First("Took a snapshot") is { } t ? (object)t : null));
            var installedAt = (long)installed;
            var compacted = (long)await Until("the log compacted ('log compacted' logged)", TimeSpan.FromMinutes(2), () => Task.FromResult(log.First("log compacted") is { } t ? (object)t : null));
            var window = compacted - capture;
            var postFrom = After(compacted, Settle);
            var postTo = postFrom + window;
            while (Stopwatch.GetTimestamp() < postTo && machine.Captures == 1)
            {
                if (load.Completion.IsCompleted)
                    throw new InvalidOperationException("the load stopped early");
                await Task.Delay(20);
            }
            var secondCapture = machine.SecondCapture;
            if (secondCapture is { } second && second < postTo)
                postTo = second;
            load.Stop();
            await Within(load.Completion, TimeSpan.FromSeconds(90), "the load to drain");
            if (load.Failed > 0)
                throw new InvalidOperationException($"{load.Failed} load changes failed; first: {load.FirstError}");
            if (machine.Overflowed)
                Say($"WARNING: more than {N(RecordedApplies)} applies; later ones were not timestamped");

            var stateBytes = new FileInfo(Path.Combine(dataDirectory, Node.Storage.NodeStorage.SnapshotFileName)).Length;
            var peakRss = Process.GetCurrentProcess().PeakWorkingSet64;
            var during = machine.Gaps(capture, compacted);
            var writing = machine.Gaps(capture, written);
            var syncing = machine.Gaps(written, installedAt);
            var compacting = machine.Gaps(installedAt, compacted);
            var preFrom = capture - window;
            var preValid = preFrom >= After(loadStart, TimeSpan.FromSeconds(1));
            var pre = machine.Gaps(preFrom, capture);
            var post = machine.Gaps(postFrom, postTo);
            var rateDuring = machine.Rate(capture, compacted);

            Say($"state: {N(machine.Inner.Count)} keys, snapshot file {F(stateBytes / (double)(1 << 30), "0.000")} GiB ({N(stateBytes)} bytes)");
            Say($"snapshot: capture → writer done {F(Seconds(capture, written), "0.00")} s, → installed (fdatasync, rename) {F(Seconds(written, installedAt), "0.00")} s, → log compacted {F(Ms(installedAt, compacted))} ms; total {F(Seconds(capture, compacted), "0.00")} s");
            Say($"max gap between applies, whole snapshot [capture, compacted]: {F(during.Max)} ms (p99 {F(during.P99, "0.00")} ms over {N(during.Count)} gaps; {F(rateDuring, "0")} applies/s)");
            Say($"  while the writer wrote: max {F(writing.Max)} ms; while installing: max {F(syncing.Max)} ms; while compacting: max {F(compacting.Max)} ms");
            Say($"  the longest gap: {F(during.Max)} ms starting {F(Ms(capture, during.MaxAt))} ms after the capture");
            Say($"  client latency max (changes answered in the window): {F(load.MaxLatencyMs(capture, compacted))} ms");
            Say($"  gen 2 GCs: {gc.Gen2In(capture, compacted).Count} ran during the snapshot ({F(gc.Gen2In(capture, compacted).MsInside, "0")} ms of it), {gc.Gen2In(preFrom, capture).Count} in the window before ({F(gc.Gen2In(preFrom, capture).MsInside, "0")} ms)");
            Say($"  GC during it: {Describe(gc.In(capture, compacted))}; GC pauses overlapping the longest gap: {Describe(gc.In(during.MaxAt, After(during.MaxAt, TimeSpan.FromMilliseconds(during.Max))))}");
            Say($"same load, no snapshot, {F(Seconds(0, window), "0.00")} s before the capture{(preValid ? "" : " (NOT VALID: the load had not run that long)")}: max gap {F(pre.Max)} ms, p99 {F(pre.P99, "0.00")} ms, {F(machine.Rate(preFrom, capture), "0")} applies/s, client latency max {F(load.MaxLatencyMs(preFrom, capture))} ms; GC: {Describe(gc.In(preFrom, capture))}");
            Say($"same load, no snapshot, {F(Seconds(postFrom, postTo), "0.00")} s from {Settle.TotalMilliseconds:0} ms after compaction{(secondCapture is not null && secondCapture < postFrom + window ? " (cut short by the next snapshot)" : "")}: max gap {F(post.Max)} ms, p99 {F(post.P99, "0.00")} ms, {F(machine.Rate(postFrom, postTo), "0")} applies/s, client latency max {F(load.MaxLatencyMs(postFrom, postTo))} ms; GC: {Describe(gc.In(postFrom, postTo))}");
            Say("gaps of 20 ms or more during the snapshot (the 8 longest), with what overlapped them:");
            foreach (var (at, ms) in during.Top)
                Say($"  {F(ms)} ms at {Signed(Ms(capture, at))} ms: GC {Describe(gc.In(at, After(at, TimeSpan.FromMilliseconds(ms))))}{Gen2(gc, at, ms)}{ProbeText(probes, at, ms)}");
            Say($"gaps of 20 ms or more in the window before (the 8 longest):");
            foreach (var (at, ms) in pre.Top)
                Say($"  {F(ms)} ms at {Signed(Ms(capture, at))} ms: GC {Describe(gc.In(at, After(at, TimeSpan.FromMilliseconds(ms))))}{Gen2(gc, at, ms)}{ProbeText(probes, at, ms)}");
            Say($"gaps of 20 ms or more in the window after (the 8 longest):");
            foreach (var (at, ms) in post.Top)
                Say($"  {F(ms)} ms at {Signed(Ms(compacted, at))} ms after compaction: GC {Describe(gc.In(at, After(at, TimeSpan.FromMilliseconds(ms))))}{Gen2(gc, at, ms)}{ProbeText(probes, at, ms)}");
            if (probes is not null)
                Say($"probes: slowest 100 B O_SYNC write during the snapshot {F(probes.MaxSyncMs(capture, compacted))} ms, before {F(probes.MaxSyncMs(preFrom, capture))} ms; latest 1 ms sleep during {F(probes.MaxLateMs(capture, compacted))} ms, before {F(probes.MaxLateMs(preFrom, capture))} ms; slowest status answer during {F(probes.MaxStatusMs(capture, compacted))} ms, before {F(probes.MaxStatusMs(preFrom, capture))} ms; thread pool during {probes.Pool(capture, compacted)}, before {probes.Pool(preFrom, capture)} (threads, queued); major page faults during {probes.MajorFaults(capture, compacted)}, before {probes.MajorFaults(preFrom, capture)}");
            Say($"load average now {LoadAverage()}; process peak RSS {N(peakRss >> 20)} MiB; small changes applied {N(load.Applied)}; GC pauses in the run: {gc.Pauses.Count}, longest {F(gc.Pauses.Count == 0 ? 0 : gc.Pauses.Max(p => p.Ms))} ms");
            foreach (var line in log.Lines.Where(l => l.Message.Contains("snapshot", StringComparison.OrdinalIgnoreCase)))
                Say($"  log +{F(Seconds(origin, line.At), "0.000")} s: {line.Message}");

            var baseline = preValid ? pre : post;
            return
            [
                new("snapshot-pause: max gap between applies while a ~1 GiB KV snapshot is written under load (1 round)", "ms", [during.Max], "≤ 50 ms", false, 50),
                new($"snapshot-pause: same, no snapshot (equal window of the same load, {(preValid ? "before" : "after")})", "ms", [baseline.Max], "(reference)", false, double.MaxValue),
                new("snapshot-pause: max gap while the writer wrote", "ms", [writing.Max], "(no target)", false, double.MaxValue),
                new("snapshot-pause: max gap while installing (final fdatasync, rename)", "ms", [syncing.Max], "(no target)", false, double.MaxValue),
                new("snapshot-pause: install time (final fdatasync, rename)", "ms", [Ms(written, installedAt)], "(no target)", false, double.MaxValue),
                new("snapshot-pause: p99 gap between applies during the snapshot", "ms", [during.P99], "(no target)", false, double.MaxValue),
                new("snapshot-pause: snapshot duration, capture → log compacted", "s", [Seconds(capture, compacted)], "(no target)", false, double.MaxValue),
                new("snapshot-pause: snapshot size", "MiB", [stateBytes / (double)(1 << 20)], "(≈ 1 GiB)", true, 0),
                new("snapshot-pause: process peak RSS", "MiB", [peakRss / (double)(1 << 20)], "(no target)", false, double.MaxValue),
            ];
        }
        finally
        {
            load?.Stop();
            probes?.Dispose();
            await Stop(system);
            DeleteDirectory(root);
        }
    }

    private static string Signed(double ms) => (ms >= 0 ? "+" : "") + F(ms, "0");

    private static string Gen2(GcPauses gc, long at, double ms) =>
        gc.Gen2In(at, After(at, TimeSpan.FromMilliseconds(ms))) is { Count: > 0 } g ? $" (a gen 2 GC ran through {F(g.MsInside)} ms of it)" : "";

    private static string ProbeText(Probes? probes, long at, double ms)
    {
        if (probes is null)
            return "";
        var end = After(at, TimeSpan.FromMilliseconds(ms));
        var (threads, pending) = probes.Pool(at, end);
        return $"; slowest O_SYNC write {F(probes.MaxSyncMs(at, end))} ms; slowest status answer {F(probes.MaxStatusMs(at, end))} ms; latest wake-up {F(probes.MaxLateMs(at, end))} ms; thread pool {threads} threads, up to {N(pending)} queued; major page faults {probes.MajorFaults(at, end)}";
    }

    private static string Describe((int Count, double TotalMs, double MaxMs, int MaxGeneration) g) =>
        g.Count == 0 ? "none" : $"{g.Count} pauses, {F(g.TotalMs)} ms in all, longest {F(g.MaxMs)} ms (gen {g.MaxGeneration})";

    [ThreadStatic]
    private static byte[]? _scratch;

    /// <summary>The base value with the change's number in its first bytes (every value differs; no allocation).</summary>
    private static byte[] Numbered(byte[] baseValue, long i)
    {
        var scratch = _scratch ??= (byte[])baseValue.Clone();
        BitConverter.TryWriteBytes(scratch, i);
        return scratch;
    }

    /// <summary>
    /// The key-value machine, with a timestamp for every apply and for the capture and writer of every snapshot.
    /// Applies are never concurrent (the applier's rule), so the array needs no lock; readers wait until the load stopped.
    /// </summary>
    private sealed class RecordingMachine(KeyValueStateMachine inner, int capacity) : IStateMachine, ISnapshotCapture
    {
        private readonly long[] _applied = new long[capacity];
        private int _count;
        private int _captures;
        private long _secondCapture;

        public KeyValueStateMachine Inner => inner;

        public TaskCompletionSource<long> FirstCapture { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<long> FirstWriterDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Captures => Volatile.Read(ref _captures);

        public long? SecondCapture => Interlocked.Read(ref _secondCapture) is var t and > 0 ? t : null;

        public bool Overflowed { get; private set; }

        public ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct)
        {
            var result = inner.ApplyAsync(entry, ct);
            if (result.IsCompletedSuccessfully)
            {
                Record();
                return result;
            }
            return Slow(result);
        }

        private async ValueTask<object?> Slow(ValueTask<object?> pending)
        {
            var result = await pending.ConfigureAwait(false);
            Record();
            return result;
        }

        private void Record()
        {
            var n = _count;
            if (n < _applied.Length)
            {
                _applied[n] = Stopwatch.GetTimestamp();
                Volatile.Write(ref _count, n + 1);
            }
            else
                Overflowed = true;
        }

        public Func<Stream, CancellationToken, ValueTask> CaptureSnapshot()
        {
            var at = Stopwatch.GetTimestamp();
            var number = Interlocked.Increment(ref _captures);
            if (number == 1)
                FirstCapture.TrySetResult(at);
            else if (number == 2)
                Interlocked.Exchange(ref _secondCapture, at);
            var write = inner.CaptureSnapshot();
            return async (destination, ct) =>
            {
                await write(destination, ct).ConfigureAwait(false);
                if (number == 1)
                    FirstWriterDone.TrySetResult(Stopwatch.GetTimestamp());
            };
        }

        public ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct) => inner.WriteSnapshotAsync(destination, ct);

        public ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct) => inner.RestoreSnapshotAsync(source, ct);

        public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct) => inner.QueryAsync(request, ct);

        /// <summary>
        /// Gaps (ms) between consecutive applies that overlap [from, to] (a pause that began before the window or ends
        /// after it counts whole): the longest, where it started, and the 99th percentile.
        /// </summary>
        public (double Max, long MaxAt, double P99, int Count, IReadOnlyList<(long At, double Ms)> Top) Gaps(long from, long to)
        {
            var n = Volatile.Read(ref _count);
            var start = Array.BinarySearch(_applied, 0, n, from);
            if (start < 0)
                start = ~start;
            start = Math.Max(1, start);
            var gaps = new List<double>();
            var top = new List<(long At, double Ms)>();
            var max = 0.0;
            var maxAt = from;
            for (var i = start; i < n && _applied[i - 1] < to; i++)
            {
                var gap = Ms(_applied[i - 1], _applied[i]);
                gaps.Add(gap);
                if (gap >= 20)
                    top.Add((_applied[i - 1], gap));
                if (gap > max)
                {
                    max = gap;
                    maxAt = _applied[i - 1];
                }
            }
            var (_, p99, count) = Spread(gaps);
            return (max, maxAt, p99, count, [.. top.OrderByDescending(t => t.Ms).Take(8).OrderBy(t => t.At)]);
        }

        /// <summary>Applies per second within [from, to].</summary>
        public double Rate(long from, long to)
        {
            var n = Volatile.Read(ref _count);
            var first = Array.BinarySearch(_applied, 0, n, from);
            var last = Array.BinarySearch(_applied, 0, n, to);
            first = first < 0 ? ~first : first;
            last = last < 0 ? ~last : last;
            var seconds = Seconds(from, to);
            return seconds <= 0 ? 0 : (last - first) / seconds;
        }
    }
}
