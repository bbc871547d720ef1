using RaftRunner.Protocol;

namespace RaftRunner.Raft.Log;

/// <summary>
/// The core's view of the log: the durable store below <c>_tailStart</c>, and in memory the entries from
/// <c>_tailStart</c> on that are written but not yet acknowledged as durable. Writes reach the store in order
/// (each Ready carries the changes since the previous one), and no write in flight touches an index below
/// <c>_tailStart</c>, so reads below it from the store are stable. A snapshot installed by the core (one that
/// arrived from the leader) is an overlay until its write is durable: below its index nothing is readable.
/// </summary>
internal sealed class RaftLog(IRaftLogReader durable)
{
    private readonly List<LogEntry> _tail = [];
    private long _tailStart = durable.LastIndex + 1;
    private long _dirtyFrom = long.MaxValue;
    private bool _hasWrite;
    private int _inFlight;
    private SnapshotInstall? _installed; // installed in memory, durable once the write carrying it is done
    private SnapshotInstall? _installToWrite;

    public long SnapshotIndex => _installed?.Index ?? durable.SnapshotIndex;

    public ulong SnapshotTerm => _installed?.Term ?? durable.SnapshotTerm;

    public long SnapshotSize => durable.SnapshotSize;

    public ReadOnlyMemory<byte> ReadSnapshot(long offset, int count) => durable.ReadSnapshot(offset, count);

    /// <summary>True while a snapshot installed by the core is not yet in the store.</summary>
    public bool HasInstalledSnapshotPending => _installed is not null;

    /// <summary>The first index with an entry (zmq-raft's firstIndex).</summary>
    public long FirstIndex => SnapshotIndex + 1;

    public long LastIndex => _tailStart - 1 + _tail.Count;

    public ulong LastTerm => TermAt(LastIndex) ?? 0;

    public ulong? TermAt(long index)
    {
        if (index >= _tailStart)
            return index <= LastIndex ? _tail[(int)(index - _tailStart)].Term : null;
        if (_installed is { } snapshot)
        {
            if (index < snapshot.Index)
                return null;
            if (index == snapshot.Index)
                return snapshot.Term;
        }
        return durable.TermAt(index);
    }

    /// <summary>The index of the entry with <paramref name="id"/>: the unwritten tail first, then the durable cache.</summary>
    public bool TryGetRequestIndex(RequestId id, out long index)
    {
        for (var i = _tail.Count - 1; i >= 0; i--)
        {
            if (_tail[i].RequestId == id && _tail[i].Type != LogEntryType.Checkpoint)
            {
                index = _tailStart + i;
                return true;
            }
        }
        // A durable hit beyond a pending truncation is gone, and so is every one when an installed snapshot
        // discards the log (the request-id cache goes with it, spec §5.2).
        if (_installed is { KeepLogAfter: false })
        {
            index = 0;
            return false;
        }
        return durable.TryGetRequestIndex(id, out index) && index < _tailStart;
    }

    public LogEntry EntryAt(long index) =>
        index >= _tailStart ? _tail[(int)(index - _tailStart)] : durable.Entries(index, index)[0];

    /// <summary>Whole entries from <paramref name="from"/> while their total size stays within <paramref name="maxBytes"/> (at least one).</summary>
    public IReadOnlyList<LogEntry> EntriesFrom(long from, int maxBytes)
    {
        var result = new List<LogEntry>();
        var bytes = 0L;
        for (var i = from; i <= LastIndex; i++)
        {
            var entry = EntryAt(i);
            if (result.Count > 0 && bytes + entry.Size > maxBytes)
                break;
            result.Add(entry);
            bytes += entry.Size;
        }
        return result;
    }

    public void Append(IReadOnlyList<LogEntry> entries)
    {
        if (entries.Count == 0)
            return;
        _dirtyFrom = Math.Min(_dirtyFrom, LastIndex + 1);
        _tail.AddRange(entries);
        _hasWrite = true;
    }

    /// <summary>Drops every entry after <paramref name="index"/>.</summary>
    public void TruncateAfter(long index)
    {
        if (index >= LastIndex)
            return;
        if (index >= _tailStart - 1)
        {
            _tail.RemoveRange((int)(index - _tailStart + 1), (int)(LastIndex - index));
        }
        else
        {
            _tail.Clear();
            _tailStart = index + 1;
        }
        _dirtyFrom = Math.Min(_dirtyFrom, index + 1);
        _hasWrite = true;
    }

    /// <summary>
    /// Installs a snapshot that arrived from the leader. It is a compaction when the durable log already holds
    /// <paramref name="term"/> at <paramref name="index"/> (an unwritten tail does not count: the leader resends
    /// what is dropped); otherwise the whole log is discarded and the log ends at the snapshot.
    /// </summary>
    public void InstallSnapshot(long index, ulong term)
    {
        var keep = index < _tailStart && TermAt(index) == term && index <= LastIndex;
        var install = new SnapshotInstall(index, term, keep);
        if (!keep)
        {
            _tail.Clear();
            _tailStart = index + 1;
        }
        _installed = install;
        _installToWrite = install;
        _dirtyFrom = Math.Min(_dirtyFrom, _tailStart);
        _hasWrite = true;
    }

    public bool HasPendingWrite => _hasWrite;

    /// <summary>The changes since the last call, for a Ready; null when there are none.</summary>
    public LogWrite? TakeWrite()
    {
        if (!_hasWrite)
            return null;
        var from = Math.Min(_dirtyFrom, LastIndex + 1);
        var entries = from > LastIndex ? [] : _tail.GetRange((int)(from - _tailStart), (int)(LastIndex - from + 1)).ToArray();
        _dirtyFrom = long.MaxValue;
        _hasWrite = false;
        _inFlight++;
        var install = _installToWrite;
        _installToWrite = null;
        return new LogWrite(from - 1, entries, install);
    }

    /// <summary>The host made the oldest handed-out write durable.</summary>
    public void WriteDone()
    {
        if (_inFlight == 0)
            throw new InvalidOperationException("no log write is in flight");
        if (--_inFlight == 0 && !_hasWrite)
        {
            var last = LastIndex;
            _tail.Clear();
            _tailStart = last + 1;
            _installed = null; // the store has it now
        }
    }
}
