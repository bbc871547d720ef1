using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Client;
using RaftRunner.Node;
using RaftRunner.Node.Peer;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.WebMonitor;

namespace RaftRunner.Cli;

/// <summary>
/// <c>raft-runner demo</c>, the main job (<c>./build.sh --target=Demo</c>): three local nodes with their web monitors
/// (node 1 at http://localhost:8042), sample writes with progress, the leader stopped and restarted to show
/// failover, a summary, and — in a terminal — the cluster kept up for the browser until Ctrl+C.
/// </summary>
internal static class DemoCommand
{
    private static readonly Option<int> Writes = new("--writes") { Description = "sample writes before and after the failover (each)", DefaultValueFactory = _ => 2000 };
    private static readonly Option<int> Concurrency = new("--concurrency") { Description = "writes in flight", DefaultValueFactory = _ => 16 };
    private static readonly Option<int> BasePort = new("--base-port") { Description = "node 1's port; node N uses base + 10·(N−1), its monitor +1, its broadcast +2", DefaultValueFactory = _ => 8041 };
    private static readonly Option<string> Data = new("--data") { Description = "where the three nodes keep their data (emptied first)", DefaultValueFactory = _ => "tmp/demo" };
    private static readonly Option<bool> Exit = new("--exit") { Description = "stop after the summary instead of waiting for Ctrl+C (the default when not in a terminal)" };

    public static Command Create()
    {
        var command = new Command("demo", "three local nodes, the web monitor at http://localhost:8042, sample writes, a failover and a summary");
        foreach (var option in new Option[] { Writes, Concurrency, BasePort, Data, Exit })
            command.Options.Add(option);
        command.SetAction((parsed, ct) => RunAsync(parsed, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken ct)
    {
        var writes = parsed.GetValue(Writes);
        var concurrency = parsed.GetValue(Concurrency);
        var basePort = parsed.GetValue(BasePort);
        if (writes < 1)
            throw new BadArgumentException($"--writes must be at least 1, not {writes}");
        if (concurrency is < 1 or > 1024)
            throw new BadArgumentException($"--concurrency must be between 1 and 1024, not {concurrency}");
        if (basePort is < 1 or > 65500)
            throw new BadArgumentException($"--base-port must be between 1 and 65500, not {basePort}");
        var root = Path.GetFullPath(parsed.GetValue(Data)!);
        var keepRunning = !parsed.GetValue(Exit) && !Console.IsInputRedirected && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null;

        using var stop = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stop.Token);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(CliLogging.Level(LogLevel.Warning)));
        await using var cluster = new DemoCluster(root, basePort, loggers);
        try
        {
            return await RunDemoAsync(cluster, writes, concurrency, keepRunning, linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            Console.WriteLine();
            Console.WriteLine("stopping: the nodes and monitors shut down.");
            return 0;
        }
    }

    private static async Task<int> RunDemoAsync(DemoCluster cluster, int writes, int concurrency, bool keepRunning, CancellationToken ct)
    {
        Console.WriteLine($"raft-runner demo: three nodes on 127.0.0.1 ports {string.Join(", ", cluster.Peers.Select(p => new Uri(p.Url).Port))}, data in {cluster.Root}");
        await cluster.StartAllAsync();
        Console.WriteLine($"web monitor: {cluster.MonitorUrl(1)}  (every node has one: port + 1)");
        var leader = await cluster.LeaderAsync(TimeSpan.FromSeconds(30), ct);
        Console.WriteLine($"leader: node {leader}");

        await using var client = new RaftClient(cluster.Peers.Select(p => p.Url), new RaftClientOptions { CallTimeout = TimeSpan.FromSeconds(30) });
        var load = new DemoLoad(client, concurrency);
        await load.RunAsync("writing", writes, ct);

        // Failover: the leader's node stops (its actor system and monitor), the others elect a new one, writes go on.
        var stopped = leader;
        Console.WriteLine($"stopping the leader, node {stopped}, to show a failover…");
        var clock = Stopwatch.StartNew();
        await cluster.StopAsync(stopped);
        var next = await cluster.LeaderAsync(TimeSpan.FromSeconds(30), ct);
        Console.WriteLine($"node {next} leads after {clock.ElapsedMilliseconds} ms");
        await load.RunAsync("writing without it", writes, ct);
        Console.WriteLine($"restarting node {stopped} on its data…");
        await cluster.StartAsync(stopped);
        var final = await cluster.AllAppliedAsync(TimeSpan.FromSeconds(60), ct);

        PrintSummary(load, cluster.LeaderChanges, final);
        if (!keepRunning)
            return final.Select(s => s.Hash).Distinct().Count() == 1 ? 0 : 1;
        Console.WriteLine($"the cluster keeps running for the monitor at {cluster.MonitorUrl(1)}; press Ctrl+C to stop.");
        await Task.Delay(Timeout.Infinite, ct);
        return 0;
    }

    private static void PrintSummary(DemoLoad load, int leaderChanges, IReadOnlyList<(string Id, NodeStatus Status, string Hash)> final)
    {
        var h = load.Latencies;
        Console.WriteLine();
        Console.WriteLine("summary");
        Console.WriteLine($"  writes      {load.Done:N0} done, {load.Failed:N0} failed, {load.Done / Math.Max(load.Elapsed.TotalSeconds, 0.001):N0}/s while writing");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  latency     p50 {h.PercentileMilliseconds(50):0.00} ms   p90 {h.PercentileMilliseconds(90):0.00} ms   p99 {h.PercentileMilliseconds(99):0.00} ms   max {h.MaxMicroseconds / 1000.0:0.00} ms"));
        Console.WriteLine($"  leaders     {leaderChanges} leader change(s) seen");
        Console.WriteLine("  node  role       term  commit  applied  last   state hash");
        foreach (var (id, s, hash) in final)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {id,-4}  {s.Role,-9}  {s.Term,4}  {s.CommitIndex,6}  {s.LastApplied,7}  {s.LastIndex,5}  {hash[..16]}"));
        Console.WriteLine(final.Select(f => f.Hash).Distinct().Count() == 1 ? "  every node holds the same state." : "  STATE DIFFERS between nodes.");
    }
}
