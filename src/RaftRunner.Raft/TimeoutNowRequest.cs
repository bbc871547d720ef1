namespace RaftRunner.Raft;

/// <summary>
/// Leadership transfer's nudge (beyond zmq-raft): the leader tells a caught-up follower to start an election
/// at once. Sent only to peers known to understand it (<see cref="RaftCoreOptions.TimeoutNowPeers"/>); with
/// any other peer the transfer works by withholding its heartbeats, which needs nothing new on the wire.
/// </summary>
public readonly record struct TimeoutNowRequest(string LeaderId, ulong Term);
