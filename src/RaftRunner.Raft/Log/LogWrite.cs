using RaftRunner.Protocol;

namespace RaftRunner.Raft.Log;

/// <summary>
/// One change to the durable log, carried out in this order: install <see cref="InstallSnapshot"/> when set
/// (its chunks were written by earlier <see cref="SnapshotChunkWrite"/>s), drop everything after
/// <see cref="TruncateAfter"/>, then append <see cref="Entries"/>.
/// </summary>
public sealed record LogWrite(long TruncateAfter, IReadOnlyList<LogEntry> Entries, SnapshotInstall? InstallSnapshot = null);
