namespace RaftRunner.Storage.Log;

/// <summary>What <c>raft-runner log inspect DIR</c> shows.</summary>
public sealed record LogInspection(
    string LogDirectory,
    long FirstIndex,
    long LastIndex,
    ulong LastTerm,
    long SnapshotIndex,
    IReadOnlyList<IndexFileInfo> Files)
{
    /// <summary>Readable entries (FirstIndex..LastIndex).</summary>
    public long EntryCount => Math.Max(0, LastIndex - FirstIndex + 1);

    /// <summary>Entries stored in the files, including those before the snapshot that are still on disk.</summary>
    public long StoredEntryCount => Files.Sum(f => (long)f.EntryCount);
}

/// <summary>Read-only inspection of a log directory: nothing is created, deleted or repaired.</summary>
public static class LogInspector
{
    /// <summary>
    /// Inspects <paramref name="directory"/>: either a log directory, or a Raft data directory with a <c>log</c>
    /// sub-directory (as zr-tool takes it). The snapshot's index and term come from the snapshot store.
    /// </summary>
    public static LogInspection Inspect(string directory, long snapshotIndex = 0, ulong snapshotTerm = 0)
    {
        var logDirectory = ResolveLogDirectory(directory);
        using var log = FileLog.Open(logDirectory, new FileLogOptions { ReadOnly = true, SnapshotIndex = snapshotIndex, SnapshotTerm = snapshotTerm });
        return new LogInspection(log.LogDirectory, log.FirstIndex, log.LastIndex, log.LastTerm, log.SnapshotIndex, log.DescribeFiles());
    }

    /// <summary>DIR/log when DIR holds a log sub-directory and no index-file directories of its own; DIR otherwise.</summary>
    public static string ResolveLogDirectory(string directory)
    {
        var sub = Path.Combine(directory, "log");
        return Directory.Exists(sub) && IndexFilePath.Discover(directory).Count == 0 ? sub : directory;
    }
}
