using RaftRunner.Node.Applying;
using RaftRunner.Protocol;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Node.Snapshots;

/// <summary>
/// What RaftRunner records in a snapshot besides the state machine's bytes, which zmq-raft's snapshots do not
/// carry (docs/raft-core-design.md §0, §7): the configuration in force at the snapshot's index, so a follower
/// caught up by a snapshot takes the right membership, and the recent request ids with their log indexes, so
/// idempotent RequestUpdate survives a snapshot install.
/// </summary>
/// <remarks>
/// <para>The snapshot data (inside zmq-raft's snapshot file, after its DATA marker) is laid out as:</para>
/// <code>
/// offset 0   8 bytes  magic "RRSNAP01" (ASCII; the last two characters are the envelope version)
/// offset 8   4 bytes  N, the header length, unsigned big-endian (at most MaxHeaderLength)
/// offset 12  N bytes  header: a MessagePack map, keys in this order:
///                       "config"      the CONFIG entry data in force (a peer list, or {old, new}), or nil
///                       "configIndex" the log index of the CONFIG entry it came from, or nil
///                       "requestIds"  a binary of 20-byte records, oldest first: 12-byte request id,
///                                     then its log index as 8 bytes unsigned big-endian
/// offset 12+N         the state machine's bytes, to the end of the data
/// </code>
/// <para>Readers ignore header keys they do not know, so later versions may add some. Data that does not start with
/// the magic (a snapshot written by zmq-raft, or the empty snapshot of a new log) is foreign: all of it is state.</para>
/// </remarks>
public sealed record SnapshotEnvelope
{
    /// <summary>The bytes that start an envelope.</summary>
    public static ReadOnlySpan<byte> Magic => "RRSNAP01"u8;

    /// <summary>The magic without its version: data starting with this but another version is refused, not taken as foreign.</summary>
    internal static ReadOnlySpan<byte> MagicFamily => "RRSNAP"u8;

    public const int MagicLength = 8;

    /// <summary>The magic and the header length field: where the header starts.</summary>
    public const int PrefixLength = MagicLength + 4;

    /// <summary>The largest header a reader accepts (a million request ids take 20 MB).</summary>
    public const int MaxHeaderLength = 64 << 20;

    /// <summary>How many request ids an envelope keeps by default (the most recent ones).</summary>
    public const int DefaultMaxRequestIds = 100_000;

    /// <summary>The most request ids an envelope may hold, so its header stays under <see cref="MaxHeaderLength"/>.</summary>
    public const int MaxRequestIdsLimit = 1_000_000;

    internal const int RequestIdRecordSize = RequestId.Length + 8;

    public SnapshotEnvelope(ConfigEntryData? configuration, long? configurationIndex, IReadOnlyList<(RequestId Id, long Index)> requestIds)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        if (configurationIndex is < 1)
            throw new ArgumentOutOfRangeException(nameof(configurationIndex), configurationIndex, "a log index is at least 1");
        Configuration = configuration;
        ConfigurationIndex = configurationIndex;
        RequestIds = requestIds;
    }

    /// <summary>No configuration and no request ids: what a snapshot of a log that never had a CONFIG entry records.</summary>
    public static SnapshotEnvelope Empty { get; } = new(null, null, []);

    /// <summary>The configuration in force at the snapshot's index, or null when unknown.</summary>
    public ConfigEntryData? Configuration { get; }

    /// <summary>The index of the CONFIG entry <see cref="Configuration"/> came from, or null.</summary>
    public long? ConfigurationIndex { get; }

    /// <summary>Recent request ids of entries the snapshot covers, with their log indexes, oldest first.</summary>
    public IReadOnlyList<(RequestId Id, long Index)> RequestIds { get; }

    /// <summary>The applier's view of it (<see cref="SnapshotRestored"/>).</summary>
    public SnapshotContents ToContents() => new(Configuration, RequestIds);

    /// <summary>
    /// What the snapshot file at <paramref name="snapshotPath"/> records besides the state (only its envelope is
    /// read): null for a foreign snapshot. A corrupt envelope is a <see cref="SnapshotEnvelopeException"/>; a missing
    /// or malformed file is what <see cref="SnapshotFile.Open"/> throws.
    /// </summary>
    public static SnapshotContents? ReadContents(string snapshotPath)
    {
        using var snapshot = SnapshotFile.Open(snapshotPath);
        return SnapshotEnvelopeReader.ReadEnvelope(snapshot)?.ToContents();
    }

    public bool Equals(SnapshotEnvelope? other) =>
        other is not null && Equals(Configuration, other.Configuration) && ConfigurationIndex == other.ConfigurationIndex &&
        RequestIds.SequenceEqual(other.RequestIds);

    public override int GetHashCode() => HashCode.Combine(Configuration, ConfigurationIndex, RequestIds.Count);

    public override string ToString() =>
        $"SnapshotEnvelope(config {Configuration?.ToString() ?? "unknown"} from index {ConfigurationIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, {RequestIds.Count} request ids)";
}
