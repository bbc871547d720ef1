namespace RaftRunner.Raft;

/// <summary>
/// The answer to <see cref="RaftCore.ReadIndex"/>: when <see cref="IsLeader"/>, leadership was confirmed by a
/// majority after the read was asked and the state machine has applied at least <see cref="Index"/>, so a query
/// run now sees every update committed before the read began (linearizable). Otherwise <see cref="LeaderId"/>
/// names the leader to ask, when known.
/// </summary>
public readonly record struct ReadIndexResponse(bool IsLeader, long Index, string? LeaderId);
