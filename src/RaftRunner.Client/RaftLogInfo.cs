namespace RaftRunner.Client;

/// <summary>One peer's view of its log (RequestLogInfo), and the url of the peer that answered.</summary>
public sealed record RaftLogInfo(
    string PeerUrl, bool IsLeader, string? LeaderId, long CurrentTerm, long FirstIndex, long LastApplied,
    long CommitIndex, long LastIndex, long SnapshotSize, long PruneIndex);
