using RaftRunner.Protocol;

namespace RaftRunner.Raft.Log;

/// <summary>One change to the durable log: drop everything after <see cref="TruncateAfter"/>, then append <see cref="Entries"/>.</summary>
public sealed record LogWrite(long TruncateAfter, IReadOnlyList<LogEntry> Entries);
