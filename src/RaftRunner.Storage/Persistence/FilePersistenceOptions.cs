namespace RaftRunner.Storage.Persistence;

/// <summary>Tuning for <see cref="FilePersistence"/>; the defaults are zmq-raft's.</summary>
public sealed record FilePersistenceOptions
{
    /// <summary>
    /// An update that finds the file at least this big (in bytes) rolls it instead of appending
    /// (THRESHOLD_SIZE_NEW_FILE = 512 KiB = 524,288 bytes in lib/common/file_persistence.js).
    /// </summary>
    public long RollThreshold { get; init; } = FilePersistence.DefaultRollThreshold;

    /// <summary>How many timestamped backups of the file are kept after a roll (zmq-raft: 60).</summary>
    public int RetainHistoryFiles { get; init; } = FileRotation.DefaultRetainHistoryFiles;
}
