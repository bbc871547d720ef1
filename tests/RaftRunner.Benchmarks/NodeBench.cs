using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node;
using RaftRunner.Node.Peer;

namespace RaftRunner.Benchmarks;

/// <summary>What the node benchmarks (snapshot-pause, join) share: clock, waits with deadlines, status asks, output.</summary>
internal static class NodeBench
{
    public static readonly byte[] Secret = "bench-secret"u8.ToArray();

    /// <summary>Milliseconds between two <see cref="Stopwatch.GetTimestamp"/> values.</summary>
    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public static double Seconds(long from, long to) => Ms(from, to) / 1000;

    public static long After(long timestamp, TimeSpan span) => timestamp + (long)(span.TotalSeconds * Stopwatch.Frequency);

    public static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static void Say(string line) => Console.WriteLine($"  {line}");

    /// <summary>The machine's 1-minute load average, as context for figures on a shared machine ("?" off Linux).</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value, or throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task<T> Until<T>(string what, TimeSpan within, Func<Task<T?>> probe, int pollMs = 10)
        where T : class
    {
        var deadline = After(Stopwatch.GetTimestamp(), within);
        while (true)
        {
            if (await probe().ConfigureAwait(false) is { } value)
                return value;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"{what}: not within {within.TotalSeconds:0} s");
            await Task.Delay(pollMs).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a task with a deadline; the message names what was awaited.</summary>
    public static async Task<T> Within<T>(Task<T> task, TimeSpan within, string what)
    {
        try
        {
            return await task.WaitAsync(within).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: not within {within.TotalSeconds:0} s");
        }
    }

    public static async Task Within(Task task, TimeSpan within, string what)
    {
        try
        {
            await task.WaitAsync(within).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: not within {within.TotalSeconds:0} s");
        }
    }

    public static async Task<NodeStatus?> TryStatus(IActorRef node, TimeSpan? timeout = null)
    {
        try
        {
            return await node.Ask<NodeStatus>(GetNodeStatus.Instance, timeout ?? TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    public static NodeSettings Settings(string id, int port, string dataDirectory, IReadOnlyList<Protocol.PeerInfo> peers, long snapshotInterval) => new()
    {
        NodeId = id,
        Url = $"tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        BindUrl = $"tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        DataDirectory = dataDirectory,
        Secret = Secret,
        Peers = peers,
        SnapshotInterval = snapshotInterval,
    };

    public static async Task Stop(ActorSystem? system)
    {
        if (system is null)
            return;
        try
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Say($"WARNING: actor system {system.Name} did not terminate within 30 s");
        }
    }

    public static void DeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (IOException e)
        {
            Say($"WARNING: could not delete {path}: {e.Message}");
        }
    }

    public static long DirectorySize(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    /// <summary>Max, 99th percentile and count of the values (0 when empty).</summary>
    public static (double Max, double P99, int Count) Spread(List<double> values)
    {
        if (values.Count == 0)
            return (0, 0, 0);
        values.Sort();
        return (values[^1], values[(int)Math.Min(values.Count - 1, Math.Ceiling(values.Count * 0.99) - 1)], values.Count);
    }
}

/// <summary>
/// An actor system's logger that keeps every line at Information or above with its Stopwatch timestamp, so a
/// benchmark can time what a node logs (a snapshot taken, a join) without touching the node. Warnings and errors
/// are echoed to the console at once (everything with RAFTRUNNER_BENCH_LOG=1).
/// </summary>
internal sealed class LogCapture(string name, long origin) : ILoggerFactory
{
    private static readonly bool EchoAll = Environment.GetEnvironmentVariable("RAFTRUNNER_BENCH_LOG") == "1";
    private readonly ConcurrentQueue<(long At, LogLevel Level, string Message)> _lines = new();

    public IEnumerable<(long At, LogLevel Level, string Message)> Lines => _lines;

    /// <summary>When the first line containing <paramref name="text"/> was logged, or null.</summary>
    public long? First(string text) => _lines.Where(l => l.Message.Contains(text, StringComparison.Ordinal)).Select(l => (long?)l.At).FirstOrDefault();

    public int Count(string text) => _lines.Count(l => l.Message.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private void Add(LogLevel level, string message)
    {
        var at = Stopwatch.GetTimestamp();
        _lines.Enqueue((at, level, message));
        if (EchoAll || level >= LogLevel.Warning)
            Console.WriteLine($"    [{name} +{NodeBench.Seconds(origin, at):0.000}s {level}] {message}");
    }

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                owner.Add(logLevel, formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})"));
        }
    }
}

/// <summary>
/// Changes sent to a node with a fixed number in flight (closed loop): each worker sends a
/// <see cref="ChangeStateMachine"/> and sends the next when it is answered. Records when each change was answered and
/// how long it took. Stops after <c>total</c> changes, or when <see cref="Stop"/> is called.
/// </summary>
internal sealed class ChangeLoad
{
    private readonly IActorRef _node;
    private readonly Func<long, byte[]> _make;
    private readonly long _total;
    private readonly TimeSpan _askTimeout;
    private readonly long[] _doneAt;
    private readonly double[] _latencyMs;
    private long _next;
    private long _recorded;
    private long _applied;
    private long _failed;
    private volatile bool _stop;
    private string? _firstError;

    public ChangeLoad(IActorRef node, Func<long, byte[]> make, int inFlight, long total, int record, TimeSpan askTimeout)
    {
        _node = node;
        _make = make;
        _total = total;
        _askTimeout = askTimeout;
        _doneAt = new long[record];
        _latencyMs = new double[record];
        Completion = Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(Worker)));
    }

    public Task Completion { get; }

    public long Applied => Interlocked.Read(ref _applied);

    public long Failed => Interlocked.Read(ref _failed);

    public string? FirstError => _firstError;

    public void Stop() => _stop = true;

    /// <summary>The highest latency (ms) of the changes answered between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public double MaxLatencyMs(long from, long to)
    {
        var n = (int)Math.Min(Interlocked.Read(ref _recorded), _doneAt.Length);
        var max = 0.0;
        for (var i = 0; i < n; i++)
        {
            if (_doneAt[i] >= from && _doneAt[i] <= to && _latencyMs[i] > max)
                max = _latencyMs[i];
        }
        return max;
    }

    private async Task Worker()
    {
        while (!_stop)
        {
            var i = Interlocked.Increment(ref _next) - 1;
            if (i >= _total)
                return;
            var data = _make(i);
            var start = Stopwatch.GetTimestamp();
            try
            {
                var reply = await _node.Ask<object>(new ChangeStateMachine(data), _askTimeout).ConfigureAwait(false);
                if (reply is ChangeApplied)
                    Interlocked.Increment(ref _applied);
                else
                    Fail(reply.ToString() ?? "?");
            }
            catch (Exception e) when (e is AskTimeoutException or RecipientTerminatedException)
            {
                Fail($"{e.GetType().Name}: {e.Message}");
            }
            var end = Stopwatch.GetTimestamp();
            var slot = Interlocked.Increment(ref _recorded) - 1;
            if (slot < _doneAt.Length)
            {
                _doneAt[slot] = end;
                _latencyMs[slot] = NodeBench.Ms(start, end);
            }
        }
    }

    private void Fail(string why)
    {
        if (Interlocked.Increment(ref _failed) == 1)
            _firstError = why;
    }
}

/// <summary>
/// The runtime's GC pauses (suspension to restart), from its own events, with Stopwatch timestamps, so a pause in
/// the node can be matched with a GC or ruled out. Workstation or server, blocking or the blocking parts of a
/// background GC: each suspension is one pause.
/// </summary>
internal sealed class GcPauses : EventListener
{
    private const int RestartEEEnd = 3;
    private const int SuspendEEBegin = 9;
    private const int GCStart = 1;
    private const int GCEnd = 2;
    private readonly Dictionary<uint, DateTime> _gen2Started = [];
    private readonly ConcurrentQueue<(long Start, double Ms)> _gen2 = new();
    private readonly ConcurrentQueue<(long Start, double Ms, int Generation)> _pauses = new();
    private readonly long _swOrigin = Stopwatch.GetTimestamp();
    private readonly DateTime _utcOrigin = DateTime.UtcNow;
    private DateTime? _suspended;
    private int _generation = -1;

    public IReadOnlyCollection<(long Start, double Ms, int Generation)> Pauses => _pauses;

    /// <summary>Pauses that overlap [from, to]: count, total and longest (ms), and the generation of the longest.</summary>
    public (int Count, double TotalMs, double MaxMs, int MaxGeneration) In(long from, long to)
    {
        var hits = _pauses.Where(p => p.Start <= to && NodeBench.After(p.Start, TimeSpan.FromMilliseconds(p.Ms)) >= from).ToArray();
        if (hits.Length == 0)
            return (0, 0, 0, -1);
        var longest = hits.MaxBy(p => p.Ms);
        return (hits.Length, hits.Sum(p => p.Ms), longest.Ms, longest.Generation);
    }

    /// <summary>Gen 2 collections (background ones run beside the program, on a core of their own) overlapping [from, to]: how many, and ms of them inside the window.</summary>
    public (int Count, double MsInside) Gen2In(long from, long to)
    {
        var hits = _gen2.Where(g => g.Start <= to && NodeBench.After(g.Start, TimeSpan.FromMilliseconds(g.Ms)) >= from).ToArray();
        return (hits.Length, hits.Sum(g => NodeBench.Ms(Math.Max(from, g.Start), Math.Min(to, NodeBench.After(g.Start, TimeSpan.FromMilliseconds(g.Ms))))));
    }

    private long ToStopwatch(DateTime time) => _swOrigin + (long)((time.ToUniversalTime() - _utcOrigin).TotalSeconds * Stopwatch.Frequency);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1); // GC
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        switch (e.EventId)
        {
            case GCStart:
                _generation = e.Payload is { Count: > 1 } p && p[1] is uint depth ? (int)depth : -1;
                if (_generation == 2 && e.Payload is { Count: > 0 } q && q[0] is uint number)
                    _gen2Started[number] = e.TimeStamp;
                break;
            case GCEnd when e.Payload is { Count: > 1 } end && end[0] is uint ended && end[1] is uint endDepth && endDepth == 2 && _gen2Started.Remove(ended, out var began):
                _gen2.Enqueue((ToStopwatch(began), (e.TimeStamp - began).TotalMilliseconds));
                break;
            case SuspendEEBegin:
                _suspended = e.TimeStamp;
                break;
            case RestartEEEnd when _suspended is { } start:
                _suspended = null;
                _pauses.Enqueue((ToStopwatch(start), (e.TimeStamp - start).TotalMilliseconds, _generation));
                _generation = -1;
                break;
        }
    }
}

/// <summary>Receives a node's <see cref="RoleChanged"/> notices and keeps them with their Stopwatch timestamps.</summary>
internal sealed class RoleWatcher : ReceiveActor
{
    public RoleWatcher(ConcurrentQueue<(long At, RoleChanged Change)> seen) =>
        Receive<RoleChanged>(c => seen.Enqueue((Stopwatch.GetTimestamp(), c)));
}

/// <summary>
/// Optional diagnostics (RAFTRUNNER_BENCH_PROBES=1), to tell where a pause comes from: a thread that sleeps 1 ms at
/// a time and records how late it wakes (the whole process or machine stalled: CPU starvation, a GC suspension,
/// page-fault storms), and a thread that appends 100 bytes with O_SYNC every 5 ms in the node's file system (the
/// file grows, as the log does) and records how long each append takes (the disk or the file system's journal stalls syncs, as the log writer's), and
/// a task that asks the node for its status every 5 ms and records how long the answer takes (the Raft peer actor
/// answers it without touching storage, so a slow answer means the peer's turn was busy or blocked).
/// Off by default: the sync probe adds its own writes to the disk.
/// </summary>
internal sealed class Probes : IDisposable
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("RAFTRUNNER_BENCH_PROBES") == "1";
    private readonly ConcurrentQueue<(long At, double Ms)> _late = new();
    private readonly ConcurrentQueue<(long At, double Ms)> _syncs = new();
    private readonly ConcurrentQueue<(long At, int Threads, long Pending)> _pool = new();
    private readonly ConcurrentQueue<(long At, long Count)> _majorFaults = new();
    private readonly ConcurrentQueue<(long At, double Ms)> _status = new();
    private readonly Task _statusTask;
    private readonly Thread _sleeper;
    private readonly Thread _syncer;
    private volatile bool _stop;
    private long _ticks;

    public Probes(string directory, IActorRef node)
    {
        _statusTask = Task.Run(() => AskStatus(node));
        _sleeper = new Thread(Sleep) { IsBackground = true, Name = "bench-stall-probe" };
        _syncer = new Thread(() => Sync(Path.Combine(directory, "sync-probe"))) { IsBackground = true, Name = "bench-sync-probe" };
        _sleeper.Start();
        _syncer.Start();
    }

    /// <summary>The latest wake-up (ms past the 1 ms asked for) of the sleeper that overlaps [from, to].</summary>
    public double MaxLateMs(long from, long to) => Max(_late, from, to);

    /// <summary>The slowest O_SYNC write of 100 bytes that overlaps [from, to].</summary>
    public double MaxSyncMs(long from, long to) => Max(_syncs, from, to);

    public int SyncCount => _syncs.Count;

    /// <summary>The slowest status answer of the peer actor that overlaps [from, to].</summary>
    public double MaxStatusMs(long from, long to) => Max(_status, from, to);

    private async Task AskStatus(IActorRef node)
    {
        while (!_stop)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                if (await NodeBench.TryStatus(node, TimeSpan.FromSeconds(10)).ConfigureAwait(false) is null)
                    return;
            }
            catch (RecipientTerminatedException)
            {
                return;
            }
            _status.Enqueue((start, NodeBench.Ms(start, System.Diagnostics.Stopwatch.GetTimestamp())));
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>The thread pool's threads (max) and queued work items (max) sampled every 5 ms within [from, to].</summary>
    /// <summary>
    /// The process's major page faults (pages read back from disk: code or mapped files the kernel dropped) within
    /// [from, to], from /proc/self/stat sampled every 5 ms; -1 off Linux. Such a fault waits for the disk, behind
    /// whatever else is queued there (a snapshot being written).
    /// </summary>
    public long MajorFaults(long from, long to)
    {
        var samples = _majorFaults.ToArray();
        if (samples.Length == 0)
            return -1;
        var before = samples.LastOrDefault(s => s.At <= from, samples[0]);
        var after = samples.FirstOrDefault(s => s.At >= to, samples[^1]);
        return after.Count - before.Count;
    }

    private static long ReadMajorFaults()
    {
        try
        {
            // Field 12 (majflt), counted after the parenthesised command name, which may contain spaces.
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[9], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    public (int Threads, long Pending) Pool(long from, long to)
    {
        var hits = _pool.Where(p => p.At >= from && p.At <= to).ToArray();
        return hits.Length == 0 ? (0, 0) : (hits.Max(p => p.Threads), hits.Max(p => p.Pending));
    }

    private static double Max(ConcurrentQueue<(long At, double Ms)> samples, long from, long to) =>
        samples.Where(s => s.At <= to && NodeBench.After(s.At, TimeSpan.FromMilliseconds(s.Ms)) >= from).Select(s => s.Ms).DefaultIfEmpty(0).Max();

    private void Sleep()
    {
        while (!_stop)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            Thread.Sleep(1);
            var late = NodeBench.Ms(start, System.Diagnostics.Stopwatch.GetTimestamp()) - 1;
            if (late > 2)
                _late.Enqueue((start, late));
            if (++_ticks % 5 == 0)
            {
                _pool.Enqueue((start, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount));
                if (ReadMajorFaults() is var faults and >= 0)
                    _majorFaults.Enqueue((start, faults));
            }
        }
    }

    private void Sync(string path)
    {
        var data = new byte[100];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        while (!_stop)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            file.Write(data); // appended, as the log appends: the file grows, so each sync commits metadata too
            _syncs.Enqueue((start, NodeBench.Ms(start, System.Diagnostics.Stopwatch.GetTimestamp())));
            Thread.Sleep(5);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _sleeper.Join(TimeSpan.FromSeconds(5));
        _syncer.Join(TimeSpan.FromSeconds(30));
        _statusTask.Wait(TimeSpan.FromSeconds(15));
    }
}
