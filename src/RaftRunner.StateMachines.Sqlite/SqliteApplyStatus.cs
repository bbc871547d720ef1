namespace RaftRunner.StateMachines.Sqlite;

/// <summary>What became of an entry given to <see cref="SqliteStateMachine"/>.</summary>
public enum SqliteApplyStatus
{
    /// <summary>The command ran and its changes were committed together with the applied index.</summary>
    Applied,

    /// <summary>
    /// The command was refused or failed deterministically (not a command, bad or non-deterministic SQL, a constraint,
    /// over its instruction budget): nothing of it was kept, but the entry counts as applied — every node refuses it the
    /// same way.
    /// </summary>
    Rejected,

    /// <summary>The index is not above <see cref="SqliteStateMachine.LastAppliedIndex"/>: the entry was applied before.</summary>
    AlreadyApplied,

    /// <summary>Not a STATE entry (CONFIG, CHECKPOINT): nothing ran, only the applied index moved.</summary>
    Ignored,
}
