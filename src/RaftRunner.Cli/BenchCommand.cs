using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using RaftRunner.Client;
using RaftRunner.Node.StateMachines;

namespace RaftRunner.Cli;

/// <summary>
/// <c>raft-runner bench --peers URLS --total N --concurrency C --size BYTES [--secret S] [--json] [--warmup N]
/// [--clients K] [--timeout SECONDS]</c>: a load generator over zmq-raft's wire protocol, against any
/// zmq-raft-compatible cluster. Each operation is a RequestUpdate carrying a key-value set command
/// (<see cref="KeyValueCommands.Set(string, ReadOnlySpan{byte})"/>) with a value of --size bytes, timed from the
/// call until the leader answers that it is committed. C operations are kept in flight over K RaftClient instances
/// (each one I/O thread and one DEALER socket per peer; by default one client per 128 operations in flight, at most
/// 8): RaftClient multiplexes any number of concurrent calls over its sockets. A warm-up (--warmup operations, not
/// counted) comes first. Progress goes to stderr each second; the result to stdout, and with --json the last line is
/// <c>{"done":…,"failed":…,"ops_per_s":…,"p50_ms":…,"p99_ms":…, …}</c>.
/// </summary>
internal static class BenchCommand
{
    private static readonly ClusterOptions Cluster = new(recursive: false, defaultTimeoutSeconds: 30);
    private static readonly Option<long> Total = new("--total") { Description = "operations to time (after the warm-up)", HelpName = "n", DefaultValueFactory = _ => 10_000 };
    private static readonly Option<int> Concurrency = new("--concurrency") { Description = "operations in flight at once", HelpName = "c", DefaultValueFactory = _ => 32 };
    private static readonly Option<int> Size = new("--size") { Description = "bytes of each set command's value", HelpName = "bytes", DefaultValueFactory = _ => 100 };
    private static readonly Option<long?> Warmup = new("--warmup") { Description = "operations before timing starts (default: a tenth of --total, at most 1000)", HelpName = "n" };
    private static readonly Option<int?> Clients = new("--clients") { Description = "RaftClient instances to spread the load over (default: one per 128 in flight, at most 8)", HelpName = "k" };

    /// <summary>Keys cycle through this many names, so that repeated runs do not grow the cluster's state without end.</summary>
    private const int KeySpace = 100_000;

    /// <summary>zmq-raft's max-log-entry-data-size default: larger updates are dropped without an answer.</summary>
    private const int MaxSize = 10 << 20;

    public static Command Create()
    {
        var command = new Command("bench", "load over the wire protocol against any zmq-raft-compatible cluster: RequestUpdates of key-value sets, timed until committed");
        Cluster.AddTo(command);
        foreach (var option in new Option[] { Total, Concurrency, Size, Warmup, Clients })
            command.Options.Add(option);
        command.SetAction(RunAsync);
        return command;
    }

    private sealed record Settings(long Total, int Concurrency, int Size, long Warmup, int Clients);

    private static Settings ReadSettings(ParseResult parsed)
    {
        var total = parsed.GetValue(Total);
        if (total < 1)
            throw new BadArgumentException($"--total must be at least 1, not {total}");
        var concurrency = parsed.GetValue(Concurrency);
        if (concurrency is < 1 or > 100_000)
            throw new BadArgumentException($"--concurrency must be between 1 and 100000, not {concurrency}");
        var size = parsed.GetValue(Size);
        if (size is < 0 or > MaxSize)
            throw new BadArgumentException($"--size must be between 0 and {MaxSize} bytes (zmq-raft drops larger entries unanswered), not {size}");
        var warmup = parsed.GetValue(Warmup) ?? Math.Min(1000, total / 10);
        if (warmup < 0)
            throw new BadArgumentException($"--warmup must not be negative, not {warmup}");
        var clients = parsed.GetValue(Clients) ?? Math.Clamp((concurrency + 127) / 128, 1, 8);
        if (clients < 1 || clients > concurrency)
            throw new BadArgumentException($"--clients must be between 1 and --concurrency ({concurrency}), not {clients}");
        return new Settings(total, concurrency, size, warmup, clients);
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken ct)
    {
        var args = Cluster.Read(parsed);
        var settings = ReadSettings(parsed);
        using var loggers = CliLogging.ForTool();
        var log = loggers.CreateLogger("raft-runner.bench");
        await ClusterProbe.RequireAnswerAsync(args.Urls, args.Secret, args.SecretDescription, Min(args.Timeout, ClusterProbe.DefaultWait), ct).ConfigureAwait(false);

        var clients = Enumerable.Range(0, settings.Clients).Select(_ => args.CreateClient(log)).ToArray();
        try
        {
            // Every client finds the leader before the clock starts.
            RaftClusterConfig config;
            try
            {
                var configs = await Task.WhenAll(clients.Select(c => c.RequestConfigAsync(ct))).ConfigureAwait(false);
                config = configs[0];
            }
            catch (TimeoutException)
            {
                throw new CommandFailedException($"bench: no leader answered within {Seconds(args.Timeout)} s (the peers answer, but none leads: is a majority up?)");
            }
            Progress($"bench: leader {config.LeaderId} at {config.LeaderUrl}; {N(settings.Total)} operations of {N(settings.Size)} B values, {settings.Concurrency} in flight over {settings.Clients} client{(settings.Clients == 1 ? "" : "s")}");

            var value = new byte[settings.Size];
            Random.Shared.NextBytes(value);
            if (settings.Warmup > 0)
            {
                Progress($"bench: warming up with {N(settings.Warmup)} operations");
                var warm = await RunPhaseAsync(clients, settings, settings.Warmup, 0, value, new LatencyHistogram(), log, progress: false, ct).ConfigureAwait(false);
                if (warm.Done == 0)
                    throw new CommandFailedException($"bench: every warm-up operation failed ({warm.FirstError})");
            }
            var histogram = new LatencyHistogram();
            var result = await RunPhaseAsync(clients, settings, settings.Total, settings.Warmup, value, histogram, log, progress: true, ct).ConfigureAwait(false);
            var opsPerSecond = result.Done / result.Elapsed.TotalSeconds;
            if (args.Json)
            {
                Console.Out.WriteLine(JsonLine.Of(w =>
                {
                    w.WriteNumber("done", result.Done);
                    w.WriteNumber("failed", result.Failed);
                    w.WriteRounded("ops_per_s", opsPerSecond, 1);
                    w.WriteRounded("p50_ms", histogram.PercentileMilliseconds(50));
                    w.WriteRounded("p90_ms", histogram.PercentileMilliseconds(90));
                    w.WriteRounded("p99_ms", histogram.PercentileMilliseconds(99));
                    w.WriteRounded("p999_ms", histogram.PercentileMilliseconds(99.9));
                    w.WriteRounded("max_ms", histogram.MaxMicroseconds / 1000.0);
                    w.WriteRounded("mean_ms", histogram.MeanMicroseconds / 1000.0);
                    w.WriteRounded("elapsed_s", result.Elapsed.TotalSeconds);
                    w.WriteNumber("total", settings.Total);
                    w.WriteNumber("concurrency", settings.Concurrency);
                    w.WriteNumber("size", settings.Size);
                    w.WriteNumber("clients", settings.Clients);
                    w.WriteNumber("warmup", settings.Warmup);
                }));
            }
            else
            {
                Console.Out.WriteLine($"bench: {N(settings.Total)} RequestUpdates of key-value sets with {N(settings.Size)} B values, {settings.Concurrency} in flight over {settings.Clients} client{(settings.Clients == 1 ? "" : "s")}, leader {config.LeaderId}");
                Console.Out.WriteLine($"  done {N(result.Done)}, failed {N(result.Failed)} in {F(result.Elapsed.TotalSeconds, "0.00")} s: {F(opsPerSecond, "#,0")} ops/s");
                Console.Out.WriteLine($"  latency ms: p50 {Ms(histogram, 50)}  p90 {Ms(histogram, 90)}  p99 {Ms(histogram, 99)}  p99.9 {Ms(histogram, 99.9)}  max {F(histogram.MaxMicroseconds / 1000.0, "0.000")}  mean {F(histogram.MeanMicroseconds / 1000.0, "0.000")}");
                if (result.FirstError is { } error)
                    Console.Out.WriteLine($"  first failure: {error}");
            }
            if (result.Interrupted)
                return Cli.Error("bench: interrupted; the figures above cover what was done until then");
            if (result.Done == 0)
                return Cli.Error($"bench: every operation failed ({result.FirstError})");
            return Cli.Ok;
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    private sealed record PhaseResult(long Done, long Failed, TimeSpan Elapsed, string? FirstError, bool Interrupted);

    /// <summary>
    /// Runs <paramref name="count"/> operations with <see cref="Settings.Concurrency"/> in flight: each worker takes
    /// the next number and awaits its update, so a slow operation holds one slot, not the others.
    /// </summary>
    private static async Task<PhaseResult> RunPhaseAsync(
        RaftClient[] clients, Settings settings, long count, long keyOffset, byte[] value, LatencyHistogram histogram, ILogger log, bool progress, CancellationToken ct)
    {
        long next = 0, done = 0, failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporter = progress ? ReportProgressAsync(() => (Interlocked.Read(ref done), Interlocked.Read(ref failed)), count, histogram, clock, stopProgress.Token) : Task.CompletedTask;

        async Task Worker(RaftClient client)
        {
            while (!ct.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                if (n > count)
                    return;
                var key = $"bench-{((keyOffset + n) % KeySpace).ToString("D6", CultureInfo.InvariantCulture)}";
                var command = KeyValueCommands.Set(key, value);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await client.RequestUpdateAsync(command, null, ct).ConfigureAwait(false);
                    histogram.Record(Stopwatch.GetElapsedTime(started));
                    Interlocked.Increment(ref done);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // a failed operation is counted and the load goes on
                catch (Exception e)
#pragma warning restore CA1031
                {
                    if (Interlocked.Increment(ref failed) == 1)
                    {
                        firstError = $"{e.GetType().Name}: {e.Message}";
                        log.LogWarning("an operation failed: {Error}", firstError);
                    }
                }
            }
        }

        var workers = Enumerable.Range(0, settings.Concurrency).Select(i => Task.Run(() => Worker(clients[i % clients.Length]), CancellationToken.None)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        clock.Stop();
        await stopProgress.CancelAsync().ConfigureAwait(false);
        await reporter.ConfigureAwait(false);
        return new PhaseResult(done, failed, clock.Elapsed, firstError, ct.IsCancellationRequested);
    }

    private static async Task ReportProgressAsync(Func<(long Done, long Failed)> read, long total, LatencyHistogram histogram, Stopwatch clock, CancellationToken ct)
    {
        long lastDone = 0;
        var lastTime = TimeSpan.Zero;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var (done, failed) = read();
                var now = clock.Elapsed;
                var rate = (done - lastDone) / Math.Max(0.001, (now - lastTime).TotalSeconds);
                Progress($"bench: {N(done + failed)}/{N(total)} ({F(100.0 * (done + failed) / total, "0")} %), {N(failed)} failed, {F(rate, "#,0")} ops/s, p50 {Ms(histogram, 50)} ms, p99 {Ms(histogram, 99)} ms");
                lastDone = done;
                lastTime = now;
            }
        }
        catch (OperationCanceledException)
        {
            // the phase ended
        }
    }

    private static void Progress(string line) => Console.Error.WriteLine(line);

    private static string Ms(LatencyHistogram histogram, double percentile) => F(histogram.PercentileMilliseconds(percentile), "0.000");

    private static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
