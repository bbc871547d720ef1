using RaftRunner.Protocol;

namespace RaftRunner.Raft.Log;

/// <summary>An in-memory durable log for tests and the simulator: what was written survives a simulated crash.</summary>
public sealed class InMemoryRaftLog : IRaftLogReader
{
    private readonly List<LogEntry> _entries = [];
    private readonly Dictionary<RequestId, long> _requestIds = [];

    public long SnapshotIndex { get; private set; }

    public ulong SnapshotTerm { get; private set; }

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
