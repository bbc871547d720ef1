using RaftRunner.Protocol;
using RaftRunner.Raft.Log;
using RaftRunner.Storage.Log;

namespace RaftRunner.Node.Storage;

/// <summary>
/// The core's view of the durable log (<see cref="IRaftLogReader"/>) over zmq-raft's FileLog and snapshot file.
/// Safe to use from the Raft peer's thread while the log writer appends: FileLog serialises its reads and writes
/// on one lock, and the snapshot is read under <see cref="NodeStorage"/>'s snapshot lock (a compaction swaps it).
/// </summary>
internal sealed class DurableLogReader(FileLog log, NodeStorage storage) : IRaftLogReader
{
    public long SnapshotIndex => log.SnapshotIndex;

    public ulong SnapshotTerm => log.SnapshotTerm;

    public long SnapshotSize => storage.SnapshotSize;

    public long LastIndex => log.LastIndex;

    public ReadOnlyMemory<byte> ReadSnapshot(long offset, int count) => storage.ReadSnapshot(offset, count);

    public ulong? TermAt(long index) => log.TermAt(index);

    public IReadOnlyList<LogEntry> Entries(long from, long to) => log.GetEntries(from, to);

    public bool TryGetRequestIndex(RequestId id, out long index) => log.TryGetRequestIndex(id, out index);
}
