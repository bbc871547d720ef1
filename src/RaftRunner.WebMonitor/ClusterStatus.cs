namespace RaftRunner.WebMonitor;

/// <summary>
/// What /status answers and /monitor streams: every peer of the cluster as this node's monitor last saw it, the
/// leader, and the newest log entries. Serialized as camelCase JSON.
/// </summary>
/// <param name="Version">Goes up by one with every change (the SSE event id).</param>
/// <param name="NodeId">The node this monitor runs in.</param>
/// <param name="Label">The cluster's name.</param>
/// <param name="LeaderId">The peer that leads (the highest term among those that say they lead), or null.</param>
/// <param name="Term">The leader's term (else the highest term seen).</param>
/// <param name="CommitIndex">The leader's commit index (else the highest seen).</param>
/// <param name="Peers">Every peer of the configuration this node follows (both sides of a joint one), and this node.</param>
/// <param name="Entries">The newest committed entries, newest first.</param>
/// <param name="NodeError">Why this node did not answer its status, or null.</param>
/// <param name="EntriesError">Why the entries could not be read, or null.</param>
public sealed record ClusterStatus(
    long Version, string NodeId, string Label, string? LeaderId, long? Term, long? CommitIndex, bool Transitional,
    IReadOnlyList<PeerStatus> Peers, IReadOnlyList<EntryView> Entries, string? NodeError, string? EntriesError);

/// <summary>
/// One peer: its RequestLogInfo answer (null numbers until it first answers) and what follows from it. The snapshot
/// holds the log up to <see cref="SnapshotIndex"/> (= <see cref="FirstIndex"/> − 1).
/// </summary>
/// <param name="Role">
/// leader, follower, candidate or client for this node (its own state); for another peer, leader or follower (as
/// it answers), or unknown when it names no leader.
/// </param>
/// <param name="Lag">The leader's commit index minus this peer's last applied index (0: in step); null while unknown.</param>
/// <param name="Reachable">Whether its last RequestLogInfo was answered.</param>
/// <param name="Error">Why the last one was not, or null.</param>
public sealed record PeerStatus(
    string Id, string Url, string? Www, bool IsSelf, string Role, bool IsLeader, string? LeaderId, long? Term,
    long? FirstIndex, long? SnapshotIndex, long? CommitIndex, long? LastApplied, long? LastIndex, long? SnapshotSize,
    long? PruneIndex, long? Lag, bool Reachable, string? Error);

/// <summary>
/// One log entry for the page: for the key-value state machine's commands the operation, key and value (a value
/// longer than <see cref="EntryDescriber.MaxValueLength"/> characters is cut, <see cref="Truncated"/>); else its size.
/// </summary>
/// <param name="Type">state, config or checkpoint.</param>
/// <param name="RequestId">The request id, 24 hex digits.</param>
/// <param name="Time">When the request id was made (its seconds), ISO 8601 UTC; null for a zero id.</param>
/// <param name="Size">The entry's data length in bytes.</param>
/// <param name="Op">set or del for a key-value command; null otherwise.</param>
/// <param name="Summary">For a CONFIG entry its peers; for other data a short description.</param>
public sealed record EntryView(
    long Index, long Term, string Type, string RequestId, string? Time, int Size, string? Op, string? Key, string? Value,
    bool Truncated, string? Summary);
