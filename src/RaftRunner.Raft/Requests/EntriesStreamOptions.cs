namespace RaftRunner.Raft.Requests;

/// <summary>
/// RequestEntries settings, in milliseconds and bytes. The defaults are zmq-raft 0.5.0's (config/default.hjson);
/// the sweep interval is hard-coded there (server.js:533).
/// </summary>
public sealed record EntriesStreamOptions
{
    /// <summary>Entry batches sent ahead of the client's acknowledgements (requestEntriesPipelines).</summary>
    public int Pipelines { get; init; } = 5;

    /// <summary>Snapshot chunks sent ahead of the client's acknowledgements (requestEntriesSnapshotPipelines).</summary>
    public int SnapshotPipelines { get; init; } = 2;

    /// <summary>A stream expires this long after it opened or was last acknowledged (requestEntriesTtl).</summary>
    public long TtlMs { get; init; } = 5000;

    /// <summary>How often expired streams are swept; with the TTL, an idle stream lives TTL to TTL + this.</summary>
    public long SweepIntervalMs { get; init; } = 2000;

    /// <summary>New streams are dropped while more than this many are open: the check is <c>&gt;</c> (requestEntriesHighWatermak).</summary>
    public int HighWatermark { get; init; } = 8000;

    /// <summary>A batch of one entry larger than this holds back the next batch until it is acknowledged (requestEntriesEntrySizeLimitPipeline).</summary>
    public int EntrySizeLimitPipeline { get; init; } = 64 * 1024;

    /// <summary>
    /// Entries per log index file (zmq-raft FileLog indexFileCapacity, a power of two): zmq-raft reads one index
    /// file at a time, so no batch spans two. Only the batch boundaries depend on it.
    /// </summary>
    public int IndexFileCapacity { get; init; } = 16384;

    /// <summary>Throws when a setting is outside the range zmq-raft accepts for it (raft.js:225-234, filelog.js:220-223).</summary>
    public void Validate()
    {
        if (Pipelines is < 1 or > 50 || SnapshotPipelines is < 1 or > 50)
            throw new ArgumentException($"pipelines must be 1..50 (were {Pipelines} and {SnapshotPipelines} for snapshots)");
        if (TtlMs < 100)
            throw new ArgumentException($"the stream TTL must be at least 100 ms (was {TtlMs})");
        if (SweepIntervalMs < 1)
            throw new ArgumentException($"the sweep interval must be positive (was {SweepIntervalMs})");
        if (HighWatermark < 0)
            throw new ArgumentException($"the high watermark must not be negative (was {HighWatermark})");
        if (EntrySizeLimitPipeline < 1)
            throw new ArgumentException($"the pipelined entry size limit must be positive (was {EntrySizeLimitPipeline})");
        if (IndexFileCapacity is < 1 or > 0x00ffffff || (IndexFileCapacity & (IndexFileCapacity - 1)) != 0)
            throw new ArgumentException($"the index file capacity must be a power of two up to 2^24 - 1 (was {IndexFileCapacity})");
    }
}
