using RaftRunner.Benchmarks;

// Stopwatch harness: each benchmark runs a warm-up and then several measured rounds; the table shows the
// median round (and the spread). Run with: ./build.sh --target=Bench   (Release build)
// Arguments: [rounds] [name filter], e.g. "3 memory".
var rounds = args.Length > 0 && int.TryParse(args[0], out var r) && r > 0 ? r : 5;
var filter = args.Length > 1 ? args[1] : "";
var benchmarks = new (string Name, Func<int, Task<BenchmarkResult>> Run)[]
{
    ("throughput", ActorBenchmarks.TwoActorThroughput),
    ("fan-in", ActorBenchmarks.FanInThroughput),
    ("ask", ActorBenchmarks.AskRoundTrip),
    ("memory", ActorBenchmarks.IdleActorMemory),
};
var results = new List<BenchmarkResult>();
foreach (var (name, run) in benchmarks.Where(b => b.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
    results.Add(await run(rounds));
ResultTable.Print(results, rounds);
