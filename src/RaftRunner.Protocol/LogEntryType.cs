namespace RaftRunner.Protocol;

/// <summary>The log entry types of PROTO.md and RAFT.md.</summary>
public enum LogEntryType : byte
{
    /// <summary>Data for the application's state machine.</summary>
    State = 0,

    /// <summary>A cluster configuration (final peer list, or transitional old/new lists).</summary>
    Config = 1,

    /// <summary>Appended by a new leader to commit entries of earlier terms; data is MessagePack nil (0xC0).</summary>
    Checkpoint = 2,
}
