using RaftRunner.Protocol;

namespace RaftRunner.Raft.Log;

/// <summary>
/// The core's view of the log: the durable store below <c>_tailStart</c>, and in memory the entries from
/// <c>_tailStart</c> on that are written but not yet acknowledged as durable. Writes reach the store in order
/// (each Ready carries the changes since the previous one), and no write in flight touches an index below
/// <c>_tailStart</c>, so reads below it from the store are stable.
/// </summary>
internal sealed class RaftLog(IRaftLogReader durable)
{
    private readonly List<LogEntry> _tail = [];
    private long _tailStart = durable.LastIndex + 1;
    private long _dirtyFrom = long.MaxValue;
    private bool _hasWrite;
    private int _inFlight;

    public long SnapshotIndex => durable.SnapshotIndex;

    public long LastIndex => _tailStart - 1 + _tail.Count;

    public ulong LastTerm => TermAt(LastIndex) ?? 0;

    public ulong? TermAt(long index)
    {
        if (index >= _tailStart)
            return index <= LastIndex ? _tail[(int)(index - _tailStart)].Term : null;
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
        // A durable hit beyond a pending truncation is gone.
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
        return new LogWrite(from - 1, entries);
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
        }
    }
}
