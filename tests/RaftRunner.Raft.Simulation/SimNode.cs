using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Raft.Simulation;

/// <summary>
/// One simulated node: a core, what it has made durable (<see cref="DurableStore"/>), and a state machine that
/// records every entry applied at each index. A crash throws the core away and keeps only the durable part, as
/// a SIGKILL would; a restart builds a new core from it, restoring the state machine from the snapshot.
/// </summary>
public sealed class SimNode
{
    private readonly RaftCoreOptions _options;
    private int _incarnation;

    internal SimNode(string id, ClusterConfiguration configuration, int seed, CoreFaults faults, Func<RaftCoreOptions, RaftCoreOptions>? configure = null)
    {
        var options = new RaftCoreOptions { NodeId = id, Faults = faults };
        _options = configure?.Invoke(options) ?? options;
        Store = new DurableStore(configuration) { SnapshotRequestIds = RequestIdsIn, SnapshotConfiguration = ConfigurationIn };
        Seed = seed;
        Restart();
    }

    public string Id => _options.NodeId;

    public int Seed { get; }

    public RaftCore? Core { get; private set; }

    public bool IsUp => Core is not null;

    public DurableStore Store { get; }

    public HardState Durable => Store.Hard;

    public InMemoryRaftLog Log => Store.Log;

    /// <summary>Bumped at every restart, so the commit index may start over without counting as going back.</summary>
    public int Incarnation => _incarnation;

    /// <summary>The state machine: the raw entry applied at each index (index 1 first).</summary>
    public List<byte[]> StateMachine { get; } = [];

    /// <summary>Request ids the state machine has applied (a retried update must not be applied twice).</summary>
    public HashSet<RequestId> AppliedIds { get; } = [];

    public void Crash()
    {
        Core = null;
        Store.Crash();
    }

    public void Restart()
    {
        _incarnation++;
        Restore(Log.ReadSnapshot(0, (int)Log.SnapshotSize));
        Core = new RaftCore(_options, Store.Hard, Store.Membership, Log, commitIndex: Log.SnapshotIndex, Seed * 7919 + _incarnation);
    }

    /// <summary>Applies entries in order; a description of the first request id applied a second time, if any.</summary>
    public string? Apply(IReadOnlyList<LogEntry> entries)
    {
        string? duplicate = null;
        foreach (var entry in entries)
        {
            StateMachine.Add(entry.Raw.ToArray());
            if (entry.Type == LogEntryType.State && entry.RequestId != RequestId.Zero && !AppliedIds.Add(entry.RequestId))
            {
                var first = StateMachine.FindIndex(raw => raw.AsSpan(0, RequestId.Length).SequenceEqual(entry.RequestId.ToArray())) + 1;
                duplicate ??= $"request {entry.RequestId} twice: at {StateMachine.Count} and before at {first} (snapshot {Log.SnapshotIndex})";
            }
        }
        return duplicate;
    }

    /// <summary>The host's snapshot: the state machine up to what it has applied, installed as a log compaction.</summary>
    public void TakeSnapshot()
    {
        var applied = Core!.LastApplied;
        if (applied <= Log.SnapshotIndex || Log.TermAt(applied) is not { } term)
            return;
        Log.InstallSnapshot(applied, term, Serialize(StateMachine.Take((int)applied)));
    }

    /// <summary>Replaces the state machine with a snapshot's content.</summary>
    public void Restore(ReadOnlyMemory<byte> snapshot)
    {
        StateMachine.Clear();
        AppliedIds.Clear();
        var span = snapshot.Span;
        while (!span.IsEmpty)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(span);
            var raw = span.Slice(4, length).ToArray();
            span = span[(4 + length)..];
            StateMachine.Add(raw);
            if (LogEntry.TryWrap(raw, out var entry, out _) && entry.Type == LogEntryType.State && entry.RequestId != RequestId.Zero)
                AppliedIds.Add(entry.RequestId);
        }
    }

    /// <summary>The configuration in force at a snapshot's index: its last CONFIG entry (RaftRunner's envelope records it).</summary>
    private static ClusterConfiguration? ConfigurationIn(byte[] snapshot)
    {
        ClusterConfiguration? last = null;
        for (var at = 0; at < snapshot.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(at));
            if (LogEntry.TryWrap(snapshot.AsMemory(at + 4, length), out var entry, out _) && entry.Type == LogEntryType.Config
                && ConfigEntryData.TryDecode(entry.Data.Span, out var data, out _))
                last = ClusterConfiguration.From(data);
            at += 4 + length;
        }
        return last;
    }

    /// <summary>The request ids of the state entries a snapshot holds, with their indexes.</summary>
    private static IEnumerable<(RequestId Id, long Index)> RequestIdsIn(byte[] snapshot)
    {
        var index = 0L;
        for (var at = 0; at < snapshot.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(at));
            index++;
            if (LogEntry.TryWrap(snapshot.AsMemory(at + 4, length), out var entry, out _) && entry.Type == LogEntryType.State && entry.RequestId != RequestId.Zero)
                yield return (entry.RequestId, index);
            at += 4 + length;
        }
    }

    private static byte[] Serialize(IEnumerable<byte[]> entries)
    {
        var output = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var raw in entries)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, raw.Length);
            output.Write(length);
            output.Write(raw);
        }
        return output.ToArray();
    }

    /// <summary>The entries the log still holds, with the index of the first.</summary>
    public (long First, IReadOnlyList<LogEntry> Entries) Entries() =>
        (Log.SnapshotIndex + 1, Log.LastIndex == Log.SnapshotIndex ? [] : Log.Entries(Log.SnapshotIndex + 1, Log.LastIndex));
}
