using System.Diagnostics;
using RaftRunner.Client;
using RaftRunner.Node.StateMachines;

namespace RaftRunner.Cli;

/// <summary>The demo's sample writes: key-value sets through the wire protocol, a fixed number in flight, with a progress bar.</summary>
internal sealed class DemoLoad(RaftClient client, int concurrency)
{
    private long _next;
    private long _done;
    private long _failed;

    public LatencyHistogram Latencies { get; } = new();

    public long Done => Interlocked.Read(ref _done);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Time spent writing (the failover pause between rounds is not counted).</summary>
    public TimeSpan Elapsed { get; private set; }

    public async Task RunAsync(string label, int count, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var doneBefore = Done + Failed;
        var issued = 0L;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref issued) <= count)
            {
                var n = Interlocked.Increment(ref _next);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await client.RequestUpdateAsync(KeyValueCommands.Set($"demo:{n % 500}", $"value {n}"), ct: ct).ConfigureAwait(false);
                    Latencies.Record(Stopwatch.GetElapsedTime(started));
                    Interlocked.Increment(ref _done);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
        }).ToArray();
        var all = Task.WhenAll(workers);
        while (!all.IsCompleted)
        {
            Draw(label, Done + Failed - doneBefore, count);
            await Task.WhenAny(all, Task.Delay(100, ct));
        }
        await all;
        Draw(label, count, count);
        Console.WriteLine();
        Elapsed += clock.Elapsed;
    }

    private static void Draw(string label, long done, long total)
    {
        const int width = 30;
        var filled = (int)(width * done / Math.Max(total, 1));
        var line = $"  {label,-20} [{new string('#', filled)}{new string('.', width - filled)}] {done,6}/{total}";
        if (Console.IsOutputRedirected)
        {
            if (done == total)
                Console.Write(line);
            return;
        }
        Console.Write("\r" + line);
    }
}
