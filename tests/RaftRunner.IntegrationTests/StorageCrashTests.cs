using System.Diagnostics;
using RaftRunner.Storage.CrashWorker;
using RaftRunner.Storage.Log;
using RaftRunner.Storage.Snapshots;
using Xunit.Abstractions;

namespace RaftRunner.IntegrationTests;

/// <summary>
/// A child process appends, truncates and installs snapshots on a real data directory while the test
/// SIGKILLs it at random moments. After every kill the directory must reopen to exactly a state the
/// worker's (replayed) operations could have left: everything acknowledged as durable, plus possibly part
/// of the operation that was running — never a corrupt, torn or reordered entry or snapshot.
/// Seeded: RAFTRUNNER_CRASH_SEED overrides the seed, RAFTRUNNER_CRASH_ROUNDS the number of kills (≥ 200).
/// </summary>
public sealed class StorageCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Capacity = 16; // small index files, so kills land across file boundaries too
    private readonly string _dir = Directory.CreateTempSubdirectory("crash-").FullName;

    [Fact]
    public void After_every_SIGKILL_the_log_and_snapshot_reopen_to_a_state_the_acknowledged_operations_allow()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("RAFTRUNNER_CRASH_SEED"), out var s) ? s : 4242;
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("RAFTRUNNER_CRASH_ROUNDS"), out var r) ? Math.Max(r, 1) : 200;
        var random = new Random(seed);
        var worker = Path.Combine(AppContext.BaseDirectory, "RaftRunner.Storage.CrashWorker.dll");
        var state = LogModel.Empty;
        var clock = Stopwatch.StartNew();
        var acknowledged = 0L;
        for (var round = 1; round <= rounds; round++)
        {
            var (acks, log) = RunAndKill(worker, seed, round, random);
            acknowledged += acks;
            var found = Reopen();
            var script = new CrashScript(seed, round);
            var candidate = state;
            var admitted = false;
            // Every acknowledged operation is done; the one after it may be done or cut short (and one more may
            // have finished without its acknowledgement reaching the pipe).
            for (var n = 0; n <= acks + 1 && !admitted; n++)
            {
                var op = script.Next(candidate.LastIndex, candidate.SnapshotIndex);
                if (n >= acks && candidate.Admits(found, op))
                    admitted = true;
                candidate = candidate.Apply(op);
            }
            Assert.True(admitted, $"seed {seed}, round {round}: after {acks} acknowledged operations from [{state}] the directory holds [{found}], which no interrupted operation can leave.\nworker said: {log}");
            state = found;
        }
        output.WriteLine($"seed {seed}: {rounds} kills, {acknowledged} acknowledged operations, final state [{state}], {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private (long Acks, string Log) RunAndKill(string worker, int seed, int round, Random random)
    {
        var info = new ProcessStartInfo("dotnet", [worker, _dir, seed.ToString(System.Globalization.CultureInfo.InvariantCulture), round.ToString(System.Globalization.CultureInfo.InvariantCulture), Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the crash worker");
        var lines = new List<string>();
        var ready = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (lines)
                lines.Add(e.Data);
            if (e.Data == "ready")
                ready.Set();
        };
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();
        // Most kills land while operations run; one in ten lands during start-up and recovery.
        if (random.Next(10) == 0)
            Thread.Sleep(random.Next(0, 150));
        else
        {
            Assert.True(ready.Wait(TimeSpan.FromSeconds(20)) || process.HasExited, "the crash worker did not start within 20 s");
            Thread.Sleep(random.Next(0, 40));
        }
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        Assert.True(process.WaitForExit(10_000), "the killed worker did not exit");
        process.WaitForExit();
        var errors = stderr.Result;
        Assert.True(errors.Length == 0 || errors.Contains("Killed", StringComparison.Ordinal), $"round {round}: the worker failed: {errors}");
        lock (lines)
            return (lines.Count(l => l.StartsWith("ack ", StringComparison.Ordinal)), string.Join(" | ", lines.TakeLast(5)));
    }

    /// <summary>Reads the directory back the way a node would, checking every entry and the snapshot bytes.</summary>
    private LogModel Reopen()
    {
        var snapshotPath = Path.Combine(_dir, "snap");
        long snapshotIndex = 0;
        ulong snapshotTerm = 0;
        if (File.Exists(snapshotPath))
        {
            using var snapshot = SnapshotFile.Open(snapshotPath);
            snapshotIndex = (long)snapshot.Index;
            snapshotTerm = snapshot.Term;
            var data = new byte[snapshot.DataSize];
            Assert.Equal(data.Length, snapshot.ReadChunk(0, data));
            Assert.True(snapshotIndex == 0 || CrashSnapshot.IsIntact(data, snapshotIndex), $"snapshot at {snapshotIndex} holds data that was never written for it");
        }
        var logDir = Path.Combine(_dir, "log");
        if (!Directory.Exists(logDir))
            return new LogModel(snapshotIndex, []);
        using var log = FileLog.Open(logDir, new FileLogOptions { SnapshotIndex = snapshotIndex, SnapshotTerm = snapshotTerm, IndexFileCapacity = Capacity });
        Assert.Equal(snapshotIndex + 1, log.FirstIndex);
        var generations = new List<long>();
        foreach (var entry in log.ReadEntries(log.FirstIndex, log.LastIndex))
        {
            var expectedIndex = log.FirstIndex + generations.Count;
            Assert.True(CrashEntry.TryRead(entry, out var index, out var generation), $"entry {expectedIndex} is corrupt: {entry}");
            Assert.Equal(expectedIndex, index);
            generations.Add(generation);
        }
        Assert.Equal(log.LastIndex - log.FirstIndex + 1, generations.Count);
        return new LogModel(snapshotIndex, [.. generations]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
