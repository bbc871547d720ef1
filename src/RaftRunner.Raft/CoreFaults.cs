namespace RaftRunner.Raft;

/// <summary>
/// Deliberate rule breaks, for proving that the simulator's checks can fail (issue 5). Never set outside tests:
/// the only way to set them is an internal property of <see cref="RaftCoreOptions"/>.
/// </summary>
[Flags]
internal enum CoreFaults
{
    None = 0,

    /// <summary>Commit an entry of an earlier term by counting replicas (the Figure 8 mistake).</summary>
    CommitPreviousTermByCounting = 1,

    /// <summary>Grant a vote to every up-to-date candidate, even after voting for another in the same term.</summary>
    GrantTwoVotesPerTerm = 2,

    /// <summary>Persist the term but not the vote, so a restarted node forgets whom it voted for.</summary>
    SkipPersistingVotedFor = 4,

    /// <summary>Forget which request ids are already in the log, so a retried update is appended again.</summary>
    IgnoreRequestIdCache = 8,
}
