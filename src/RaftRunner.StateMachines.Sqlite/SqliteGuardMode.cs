namespace RaftRunner.StateMachines.Sqlite;

/// <summary>What <see cref="SqliteGuard"/> checks the statements being prepared as.</summary>
internal enum SqliteGuardMode
{
    /// <summary>The state machine's own statements: everything is allowed.</summary>
    Off,

    /// <summary>A command's SQL: deterministic changes to the replicated database only.</summary>
    Command,

    /// <summary>A query's SQL: reads only.</summary>
    Query,
}
