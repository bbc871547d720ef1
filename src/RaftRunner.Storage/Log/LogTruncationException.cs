namespace RaftRunner.Storage.Log;

/// <summary>
/// A request to truncate committed entries (RAFT.md: a peer refuses to truncate its log below the commit index
/// and panics). Fatal for the node; the log is left unchanged.
/// </summary>
public sealed class LogTruncationException : InvalidOperationException
{
    public LogTruncationException(long index, long commitIndex)
        : base($"refusing to truncate the log after index {index}: entries up to the commit index {commitIndex} are committed")
    {
        Index = index;
        CommitIndex = commitIndex;
    }

    /// <summary>The index after which truncation was requested.</summary>
    public long Index { get; }

    public long CommitIndex { get; }
}
