namespace RaftRunner.Raft;

/// <summary>What must be durable before any message that depends on it leaves: the term and the vote.</summary>
public readonly record struct HardState(ulong Term, string? VotedFor);
