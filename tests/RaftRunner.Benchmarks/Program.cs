using RaftRunner.Benchmarks;

// Stopwatch harness: each benchmark runs a warm-up and then several measured rounds; the table shows the
// median round (and the spread). Run with: ./build.sh --target=Bench   (Release build)
// Arguments: [rounds] [name filter], e.g. "3 memory". The node benchmarks ("snapshot-pause", "join") run one round
// whatever [rounds] says; RAFTRUNNER_BENCH_PROBES=1 adds their diagnostics (stall, sync and status probes),
// RAFTRUNNER_BENCH_LOG=1 echoes the nodes' logs.
var rounds = args.Length > 0 && int.TryParse(args[0], out var r) && r > 0 ? r : 5;
var filter = args.Length > 1 ? args[1] : "";
// Memory first: it measures heap growth, which is steadiest before the other benchmarks have churned the heap.
var benchmarks = new (string Name, Func<int, Task<IReadOnlyList<BenchmarkResult>>> Run)[]
{
    ("memory", async n => [await ActorBenchmarks.IdleActorMemory(n)]),
    ("throughput", async n => [await ActorBenchmarks.TwoActorThroughput(n)]),
    ("fan-in", async n => [await ActorBenchmarks.FanInThroughput(n)]),
    ("ask", ActorBenchmarks.AskRoundTrip),
    ("protocol", ProtocolBenchmarks.AppendEntriesCodec),
    ("storage", StorageBenchmarks.FileLog),
    // Whole nodes in this process; one round each whatever the rounds argument (each takes minutes).
    ("snapshot-pause", SnapshotPauseBenchmark.Run),
    ("join", JoinBenchmark.Run),
};
var results = new List<BenchmarkResult>();
var failed = new List<string>();
foreach (var (name, run) in benchmarks.Where(b => b.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
{
    try
    {
        results.AddRange(await run(rounds));
    }
    catch (Exception e) when (e is TimeoutException or InvalidOperationException)
    {
        // A node benchmark that could not finish (a wait ran out, a change failed): the others still run.
        Console.WriteLine($"benchmark {name} FAILED: {e.GetType().Name}: {e.Message}");
        failed.Add(name);
    }
}
ResultTable.Print(results, rounds);
if (failed.Count > 0)
{
    Console.WriteLine($"failed: {string.Join(", ", failed)}");
    return 1;
}
return 0;
