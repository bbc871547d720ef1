using System.Globalization;
using RaftRunner.Protocol;
using RaftRunner.Storage.CrashWorker;
using RaftRunner.Storage.Log;
using RaftRunner.Storage.Snapshots;

// usage: RaftRunner.Storage.CrashWorker <data-dir> <seed> <round> <capacity>
// Prints "ready" once the log is open, then "ack <n>" after operation n is durable. Runs until killed
// (or 100,000 operations).
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: RaftRunner.Storage.CrashWorker <data-dir> <seed> <round> <capacity>");
    return 2;
}
var dir = args[0];
var snapshotPath = Path.Combine(dir, "snap");
Directory.CreateDirectory(dir);
var snapshot = SnapshotFile.OpenOrCreateEmpty(snapshotPath);
var options = new FileLogOptions
{
    IndexFileCapacity = int.Parse(args[3], CultureInfo.InvariantCulture),
    SnapshotIndex = (long)snapshot.Index,
    SnapshotTerm = snapshot.Term,
};
snapshot.Dispose();
using var log = FileLog.Open(Path.Combine(dir, "log"), options);
var script = new CrashScript(int.Parse(args[1], CultureInfo.InvariantCulture), long.Parse(args[2], CultureInfo.InvariantCulture));
var output = Console.Out;
output.WriteLine("ready");
output.Flush();
for (var n = 1; n <= 100_000; n++)
{
    var op = script.Next(log.LastIndex, log.SnapshotIndex);
    switch (op.Kind)
    {
        case CrashOperationKind.Truncate:
            log.TruncateAfter(op.Index, commitIndex: 0);
            break;
        case CrashOperationKind.Snapshot:
            var term = log.TermAt(op.Index) ?? throw new InvalidOperationException($"no term at {op.Index}");
            using (var writer = SnapshotWriter.Create(snapshotPath, (ulong)op.Index, term))
            {
                writer.Write(CrashSnapshot.Data(op.Index, op.Generation));
                writer.Install().Dispose();
            }
            log.SnapshotInstalled(op.Index, term);
            log.DeleteFilesBefore(op.Index + 1); // compaction: index files wholly covered by the snapshot go
            break;
        default:
            var entries = new LogEntry[op.Count];
            for (var i = 0; i < entries.Length; i++)
                entries[i] = CrashEntry.Create(log.LastIndex + 1 + i, op.Generation);
            log.Append(entries);
            break;
    }
    output.WriteLine($"ack {n}");
    output.Flush();
}
return 0;
