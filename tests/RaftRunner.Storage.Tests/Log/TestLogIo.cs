using Microsoft.Win32.SafeHandles;
using RaftRunner.Protocol;
using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

/// <summary>
/// The index files' I/O seam for tests: a small entry-data limit per file (so a file fills by data with a few
/// hundred bytes instead of 1 GiB), and a way to hold the next fdatasync of a chosen file until the test lets it go.
/// </summary>
internal sealed class TestLogIo(long maxDataSize = IndexFileFormat.MaxDataSize) : IndexFileIo, IDisposable
{
    private readonly ManualResetEventSlim _entered = new();
    private readonly ManualResetEventSlim _release = new();
    private Func<string, bool>? _blockWhen;

    public override long MaxDataSize => maxDataSize;

    /// <summary>Paths of every fdatasync, in order.</summary>
    public List<string> Synced { get; } = [];

    /// <summary>The next fdatasync of a path <paramref name="when"/> accepts waits until <see cref="Release"/>.</summary>
    public void BlockNextSync(Func<string, bool> when)
    {
        _entered.Reset();
        _release.Reset();
        Volatile.Write(ref _blockWhen, when);
    }

    /// <summary>Waits until the blocked sync has started.</summary>
    public bool WaitUntilBlocked(TimeSpan timeout) => _entered.Wait(timeout);

    public void Release() => _release.Set();

    public override void DataSync(SafeFileHandle handle, string path)
    {
        lock (Synced)
            Synced.Add(path);
        if (Volatile.Read(ref _blockWhen) is { } when && when(path))
        {
            Volatile.Write(ref _blockWhen, null);
            _entered.Set();
            if (!_release.Wait(TimeSpan.FromSeconds(60)))
                throw new TimeoutException("the test never released the sync");
        }
        base.DataSync(handle, path);
    }

    public void Dispose()
    {
        _release.Set();
        _entered.Dispose();
        _release.Dispose();
    }
}

/// <summary>Entries of an exact size (header included), so tests know where a file's entry data fills up.</summary>
internal static class SizedEntries
{
    /// <summary>Entry <paramref name="i"/>: a STATE entry with request id <see cref="LogEntries.Id"/>(i) and data "i:generation" padded to <paramref name="size"/> bytes in all.</summary>
    public static LogEntry Make(long i, int size, ulong term = 1, int generation = 0, LogEntryType type = LogEntryType.State)
    {
        var data = new byte[size - LogEntry.HeaderSize];
        Array.Fill(data, (byte)'.');
        var label = System.Text.Encoding.ASCII.GetBytes($"{i}:{generation}:");
        label.AsSpan(0, Math.Min(label.Length, data.Length)).CopyTo(data);
        return LogEntry.Create(LogEntries.Id(i), type, term, data);
    }

    public static List<LogEntry> Range(long from, int count, int size, ulong term = 1, int generation = 0)
    {
        var list = new List<LogEntry>(count);
        for (var i = 0; i < count; i++)
            list.Add(Make(from + i, size, term, generation));
        return list;
    }

    /// <summary>The index an entry made here was made for (what its data starts with).</summary>
    public static long IndexOf(LogEntry entry)
    {
        var text = System.Text.Encoding.ASCII.GetString(entry.Data.Span);
        return long.Parse(text.AsSpan(0, text.IndexOf(':', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
    }
}
