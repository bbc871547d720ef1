namespace RaftRunner.Storage.Log;

/// <summary>How a <see cref="FileLog"/> is opened (zmq-raft's FileLog options, plus the snapshot the log continues).</summary>
public sealed record FileLogOptions
{
    /// <summary>zmq-raft's DEFAULT_REQUEST_ID_TTL: 8 hours.</summary>
    public static readonly TimeSpan DefaultRequestIdTtl = TimeSpan.FromHours(8);

    /// <summary>The last index covered by the current snapshot (0 when there is none); the log's first index is this + 1.</summary>
    public long SnapshotIndex { get; init; }

    /// <summary>The term of the entry at <see cref="SnapshotIndex"/> (0 when there is none).</summary>
    public ulong SnapshotTerm { get; init; }

    /// <summary>
    /// Slots per index file, a power of 2 (zmq-raft's indexFileCapacity). Only used for a new log: an existing log
    /// keeps the capacity its first file implies, as zmq-raft does.
    /// </summary>
    public int IndexFileCapacity { get; init; } = IndexFileFormat.DefaultCapacity;

    /// <summary>Open without changing anything (inspection): no file is created or deleted, no request-id cache is built.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>request-id-ttl; null disables the time checks (then <see cref="RequestIdCacheMax"/> must be set).</summary>
    public TimeSpan? RequestIdTtl { get; init; } = DefaultRequestIdTtl;

    /// <summary>request-id-cache-max: the most request ids remembered; null = unlimited.</summary>
    public int? RequestIdCacheMax { get; init; }

    /// <summary>The clock request ids are compared with.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Tests: the index files' fdatasync and entry-data limit (null: the real ones).</summary>
    internal IndexFileIo? Io { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(SnapshotIndex);
        if (SnapshotIndex >= IndexFileFormat.MaxIndex)
            throw new ArgumentOutOfRangeException(nameof(SnapshotIndex), SnapshotIndex, "must be below 2^53 - 1");
        IndexFileFormat.ValidateCapacity(IndexFileCapacity);
        if ((IndexFileCapacity & (IndexFileCapacity - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(IndexFileCapacity), IndexFileCapacity, "the index file capacity must be a power of 2");
        RequestIdCache.ValidateLimits(RequestIdTtl, RequestIdCacheMax);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
