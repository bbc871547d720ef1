using RaftRunner.Node.Snapshots;
using RaftRunner.Protocol;

namespace RaftRunner.Node.Applying;

/// <summary>
/// What the applier knows about the state it has built, kept apart from the actor so its rules are tested
/// without one: the last applied index and its term, the configuration in force (the last CONFIG entry applied, or
/// the one a restored snapshot recorded), the most recent request ids, and whether the state machine must be
/// restored from a snapshot before it may take more entries. Not thread-safe: the applier's turn owns it.
/// </summary>
internal sealed class AppliedState
{
    private readonly int _maxRequestIds;
    private readonly Queue<(RequestId Id, long Index)> _requestIds = new();

    public AppliedState(int maxRequestIds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRequestIds);
        _maxRequestIds = maxRequestIds;
    }

    /// <summary>The index of the last entry applied, or of the restored snapshot (0: nothing yet).</summary>
    public long LastApplied { get; private set; }

    /// <summary>The term of that entry (or snapshot).</summary>
    public ulong LastTerm { get; private set; }

    public ConfigEntryData? Configuration { get; private set; }

    public long? ConfigurationIndex { get; private set; }

    /// <summary>Why the state machine must be restored from a snapshot before anything else, or null when it need not be.</summary>
    public string? RestoreRequired { get; private set; }

    public IReadOnlyCollection<(RequestId Id, long Index)> RequestIds => _requestIds;

    /// <summary>Null when a batch starting at <paramref name="firstIndex"/> may be applied now, else why not.</summary>
    public ApplyEntriesRefusedException? Refuse(long firstIndex)
    {
        if (RestoreRequired is { } reason)
            return new(firstIndex, null, $"entries from index {firstIndex} refused: the state machine must be restored from a snapshot first ({reason})");
        if (firstIndex != LastApplied + 1)
            return new(firstIndex, LastApplied + 1,
                $"entries from index {firstIndex} refused: the next entry to apply is {LastApplied + 1} (entries are applied exactly once, in order)");
        return null;
    }

    /// <summary>
    /// Records the entry at <paramref name="index"/> as applied (the state machine has applied it, when it is a STATE
    /// entry). Returns an error when it is a CONFIG entry whose data is not a configuration: the configuration in
    /// force is then unknown (null) from that index.
    /// </summary>
    public string? Applied(long index, LogEntry entry)
    {
        if (index != LastApplied + 1)
            throw new InvalidOperationException($"entry {index} applied after {LastApplied}");
        LastApplied = index;
        LastTerm = entry.Term;
        string? error = null;
        if (entry.Type == LogEntryType.Config)
        {
            ConfigurationIndex = index;
            Configuration = ConfigEntryData.TryDecode(entry.Data.Span, out var config, out error) ? config : null;
        }
        // The same entries the Raft core's request-id cache holds: every entry but CHECKPOINTs, when it has an id.
        if (entry.Type != LogEntryType.Checkpoint && entry.RequestId != RequestId.Zero)
            RememberRequestId(entry.RequestId, index);
        return error;
    }

    /// <summary>The state machine now holds the snapshot at <paramref name="index"/>; <paramref name="envelope"/> is null for a foreign one.</summary>
    public void Restored(long index, ulong term, SnapshotEnvelope? envelope)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        LastApplied = index;
        LastTerm = term;
        Configuration = envelope?.Configuration;
        ConfigurationIndex = envelope?.ConfigurationIndex;
        _requestIds.Clear();
        if (envelope is not null)
        {
            foreach (var (id, idIndex) in envelope.RequestIds)
                RememberRequestId(id, idIndex);
        }
        RestoreRequired = null;
    }

    public void RequireRestore(string reason) => RestoreRequired ??= reason;

    /// <summary>The envelope of a snapshot of the state as applied now.</summary>
    public SnapshotEnvelope ToEnvelope() => new(Configuration, ConfigurationIndex, _requestIds.ToArray());

    private void RememberRequestId(RequestId id, long index)
    {
        if (_maxRequestIds == 0)
            return;
        if (_requestIds.Count == _maxRequestIds)
            _requestIds.Dequeue();
        _requestIds.Enqueue((id, index));
    }
}
