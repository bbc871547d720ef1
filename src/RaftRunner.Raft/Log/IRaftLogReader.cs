using RaftRunner.Protocol;

namespace RaftRunner.Raft.Log;

/// <summary>
/// The durable log as the core reads it. The host's store (FileLog, or <see cref="InMemoryRaftLog"/> in
/// tests) changes only when the host carries out a Ready's log write, never behind the core's back.
/// </summary>
public interface IRaftLogReader
{
    /// <summary>Index of the snapshot (0 when there is none); entries start at SnapshotIndex + 1.</summary>
    long SnapshotIndex { get; }

    ulong SnapshotTerm { get; }

    /// <summary>The snapshot's size in bytes (0 when there is none).</summary>
    long SnapshotSize { get; }

    /// <summary>Up to <paramref name="count"/> bytes of the snapshot's data from <paramref name="offset"/> (fewer at the end).</summary>
    ReadOnlyMemory<byte> ReadSnapshot(long offset, int count);

    long LastIndex { get; }

    /// <summary>The term at <paramref name="index"/> (the snapshot's term at SnapshotIndex); null outside SnapshotIndex..LastIndex.</summary>
    ulong? TermAt(long index);

    /// <summary>Entries from..to inclusive (both within SnapshotIndex + 1..LastIndex).</summary>
    IReadOnlyList<LogEntry> Entries(long from, long to);

    /// <summary>The index of the entry written with <paramref name="id"/>, from the request-id cache (RAFT.md "Update idempotency").</summary>
    bool TryGetRequestIndex(RequestId id, out long index);
}
