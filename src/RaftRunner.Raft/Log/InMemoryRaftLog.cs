using RaftRunner.Protocol;

namespace RaftRunner.Raft.Log;

/// <summary>An in-memory durable log for tests and the simulator: what was written survives a simulated crash.</summary>
public sealed class InMemoryRaftLog : IRaftLogReader
{
    private readonly List<LogEntry> _entries = [];
    private readonly Dictionary<RequestId, long> _requestIds = [];

    public long SnapshotIndex { get; private set; }

    public ulong SnapshotTerm { get; private set; }

    public long SnapshotSize => _snapshot.Length;

    private byte[] _snapshot = [];

    public ReadOnlyMemory<byte> ReadSnapshot(long offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var start = (int)Math.Min(offset, _snapshot.Length);
        return _snapshot.AsMemory(start, Math.Min(count, _snapshot.Length - start));
    }

    /// <summary>
    /// Installs a snapshot as zmq-raft's FileLog does: when the log holds <paramref name="term"/> at
    /// <paramref name="index"/> it is a compaction (the entries after it stay); otherwise the whole log and the
    /// request-id cache are discarded. <paramref name="keepLogAfter"/> false discards even a matching log (the
    /// core decides so when the match was only in entries not yet written).
    /// </summary>
    public void InstallSnapshot(long index, ulong term, ReadOnlyMemory<byte> data, bool keepLogAfter = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (keepLogAfter && TermAt(index) == term && index <= LastIndex && index >= SnapshotIndex)
        {
            // Compaction keeps the request-id cache: ids stay answerable after their entries are gone (RAFT.md).
            _entries.RemoveRange(0, (int)(index - SnapshotIndex));
        }
        else
        {
            _entries.Clear();
            _requestIds.Clear();
        }
        SnapshotIndex = index;
        SnapshotTerm = term;
        _snapshot = data.ToArray();
    }

    public long LastIndex => SnapshotIndex + _entries.Count;

    public ulong? TermAt(long index)
    {
        if (index == SnapshotIndex)
            return SnapshotTerm;
        if (index < SnapshotIndex || index > LastIndex)
            return null;
        return _entries[(int)(index - SnapshotIndex - 1)].Term;
    }

    public IReadOnlyList<LogEntry> Entries(long from, long to)
    {
        if (from <= SnapshotIndex || to > LastIndex || from > to + 1)
            throw new ArgumentOutOfRangeException(nameof(from), $"{from}..{to} is outside {SnapshotIndex + 1}..{LastIndex}");
        return _entries.GetRange((int)(from - SnapshotIndex - 1), (int)(to - from + 1));
    }

    public bool TryGetRequestIndex(RequestId id, out long index) => _requestIds.TryGetValue(id, out index);

    /// <summary>
    /// Adds a request id the log no longer holds an entry for: a host that keeps recent ids in its snapshots
    /// re-seeds the cache from an installed snapshot, so idempotency survives it (zmq-raft loses it, Q29).
    /// </summary>
    public void RememberRequestId(RequestId id, long index)
    {
        if (index > SnapshotIndex)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"only ids inside the snapshot (up to {SnapshotIndex}) are remembered this way");
        _requestIds.TryAdd(id, index);
    }

    /// <summary>A copy of this log (snapshot, entries and request-id cache), as a joining node downloads it.</summary>
    public void CopyFrom(InMemoryRaftLog source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _entries.Clear();
        _entries.AddRange(source._entries);
        _requestIds.Clear();
        foreach (var (id, index) in source._requestIds)
            _requestIds[id] = index;
        SnapshotIndex = source.SnapshotIndex;
        SnapshotTerm = source.SnapshotTerm;
        _snapshot = source._snapshot;
    }

    /// <summary>Carries out a Ready's log write: drop everything after <paramref name="truncateAfter"/>, then append.</summary>
    public void Write(long truncateAfter, IReadOnlyList<LogEntry> entries)
    {
        if (truncateAfter < SnapshotIndex || truncateAfter > LastIndex)
            throw new ArgumentOutOfRangeException(nameof(truncateAfter), truncateAfter, $"outside {SnapshotIndex}..{LastIndex}");
        for (var i = truncateAfter + 1; i <= LastIndex; i++)
            _requestIds.Remove(_entries[(int)(i - SnapshotIndex - 1)].RequestId);
        _entries.RemoveRange((int)(truncateAfter - SnapshotIndex), (int)(LastIndex - truncateAfter));
        foreach (var entry in entries)
        {
            _entries.Add(entry);
            if (entry.Type != LogEntryType.Checkpoint && entry.RequestId != RequestId.Zero)
                _requestIds[entry.RequestId] = LastIndex;
        }
    }
}
