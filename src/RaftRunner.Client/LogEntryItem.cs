using RaftRunner.Protocol;

namespace RaftRunner.Client;

/// <summary>A log entry at <see cref="RaftLogItem.Index"/>: request id, type (STATE, CONFIG, CHECKPOINT), term and data.</summary>
public sealed record LogEntryItem(long Index, LogEntry Entry) : RaftLogItem(Index)
{
    public override string ToString() => $"#{Index} {Entry}";
}
