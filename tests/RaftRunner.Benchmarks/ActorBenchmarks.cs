using System.Diagnostics;
using RaftRunner.Actors;

namespace RaftRunner.Benchmarks;

internal static class ActorBenchmarks
{
    private const int ThroughputMessages = 10_000_000;
    private const int AskRoundTrips = 100_000;
    private const int IdleActors = 100_000;

    /// <summary>One producer actor tells a consumer actor N messages; time until the consumer has them all.</summary>
    public static async Task<BenchmarkResult> TwoActorThroughput(int rounds)
    {
        var measured = await Rounds(rounds, () => Throughput(producers: 1));
        return new("messages/s between two actors", "msg/s", measured, "≥ 5,000,000 msg/s", true, 5_000_000);
    }

    /// <summary>Four producer actors tell one consumer N messages in total.</summary>
    public static async Task<BenchmarkResult> FanInThroughput(int rounds)
    {
        var measured = await Rounds(rounds, () => Throughput(producers: 4));
        return new("fan-in throughput (4 producers → 1 actor)", "msg/s", measured, "(no target)", true, 0);
    }

    /// <summary>Sequential Asks from a plain thread to an echo actor: each round's median and 99th percentile.</summary>
    public static async Task<IReadOnlyList<BenchmarkResult>> AskRoundTrip(int rounds)
    {
        await using var system = ActorSystem.Create("bench-ask");
        var echo = system.ActorOf(Props.Create(() => new Echo()));
        var p99 = new List<double>();
        var medians = await Rounds(rounds, async () =>
        {
            var samples = new double[AskRoundTrips];
            for (var i = 0; i < samples.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await echo.Ask<int>(i, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            Array.Sort(samples);
            p99.Add(samples[(int)(samples.Length * 0.99)]);
            return samples[samples.Length / 2];
        });
        return
        [
            new("Ask round trip, median", "µs", medians, "≤ 20 µs", false, 20),
            new("Ask round trip, 99th percentile", "µs", p99.Skip(1).ToArray(), "(no target)", false, double.MaxValue),
        ];
    }

    /// <summary>Managed heap growth per started, idle actor (a ReceiveActor with one handler), after a full GC.</summary>
    public static async Task<BenchmarkResult> IdleActorMemory(int rounds)
    {
        var measured = await Rounds(rounds, async () =>
        {
            await using var system = ActorSystem.Create("bench-idle");
            // Settle the system's own allocations before the baseline.
            await system.ActorOf(Props.Create(() => new Echo())).Ask<int>(0, TimeSpan.FromSeconds(5));
            var before = HeapAfterFullGc();
            var actors = new IActorRef[IdleActors];
            for (var i = 0; i < actors.Length; i++)
                actors[i] = system.ActorOf(Props.Create(() => new Echo()));
            // Every actor has processed its creation and one message, and is idle again.
            await Task.WhenAll(actors.Select((a, i) => a.Ask<int>(i, TimeSpan.FromSeconds(30))));
            var after = HeapAfterFullGc();
            GC.KeepAlive(actors);
            return (after - before) / (double)IdleActors;
        });
        return new("memory per idle actor", "bytes", measured, "≤ 1,024 bytes", false, 1024);
    }

    private static long HeapAfterFullGc()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task<double> Throughput(int producers)
    {
        await using var system = ActorSystem.Create("bench-throughput");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = system.ActorOf(Props.Create(() => new Counter(ThroughputMessages, done)));
        var senders = Enumerable.Range(0, producers)
            .Select(_ => system.ActorOf(Props.Create(() => new Producer(consumer))))
            .ToArray();
        var perProducer = ThroughputMessages / producers;
        var start = Stopwatch.GetTimestamp();
        foreach (var p in senders)
            p.Tell(perProducer);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return ThroughputMessages / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task<IReadOnlyList<double>> Rounds(int rounds, Func<Task<double>> round)
    {
        await round(); // warm-up: JIT, tiering, thread pool growth
        var results = new List<double>(rounds);
        for (var i = 0; i < rounds; i++)
            results.Add(await round());
        return results;
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<int>(i => Sender.Tell(i));
    }

    private sealed class Producer : ReceiveActor
    {
        private static readonly object Payload = new();

        public Producer(IActorRef target) => Receive<int>(count =>
        {
            for (var i = 0; i < count; i++)
                target.Tell(Payload, Self);
        });
    }

    private sealed class Counter : ReceiveActor
    {
        private int _received;

        public Counter(int expected, TaskCompletionSource done) => ReceiveAny(_ =>
        {
            if (++_received == expected)
                done.TrySetResult();
        });
    }
}
