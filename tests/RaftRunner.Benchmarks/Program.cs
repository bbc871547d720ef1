using RaftRunner.Benchmarks;

// Stopwatch harness: each benchmark runs a warm-up and then several measured rounds; the table shows the
// median round (and the spread). Run with: ./build.sh --target=Bench   (Release build)
// Arguments: [rounds] [name filter], e.g. "3 memory".
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
};
var results = new List<BenchmarkResult>();
foreach (var (name, run) in benchmarks.Where(b => b.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
    results.AddRange(await run(rounds));
ResultTable.Print(results, rounds);
