using RaftRunner.Protocol;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Raft.Tests.Harness;

/// <summary>
/// A few cores wired together synchronously: each Ready is carried out the way the node will (send what may
/// go now, persist, send what waited for the persistence, advance), and messages are delivered in order
/// unless a link is cut. Deterministic for a given seed.
/// </summary>
internal sealed class TestCluster
{
    private readonly Queue<(string From, string To, object Message)> _wire = new();
    private readonly HashSet<(string, string)> _cut = [];

    /// <param name="spares">Nodes beyond <paramref name="size"/> that start outside the configuration (CLIENT), ready to join.</param>
    public TestCluster(int size, int seed = 1, Func<RaftCoreOptions, RaftCoreOptions>? configure = null, int spares = 0)
    {
        var peers = Enumerable.Range(1, size + spares).Select(Peer).ToArray();
        Configuration = ClusterConfiguration.Final(peers[..size]);
        foreach (var p in peers)
        {
            var options = new RaftCoreOptions { NodeId = p.Id };
            Nodes[p.Id] = new TestNode(configure?.Invoke(options) ?? options, Configuration, seed * 100 + Nodes.Count);
        }
    }

    /// <summary>A cluster whose nodes start from given durable states (term, vote, log, commit index).</summary>
    public TestCluster(IReadOnlyDictionary<string, (HardState Hard, LogEntry[] Log, long Commit)> start, int seed = 1)
    {
        var peers = start.Keys.Select((id, i) => new PeerInfo(id, $"tcp://127.0.0.1:{8040 + i * 10}")).ToArray();
        Configuration = ClusterConfiguration.Final(peers);
        foreach (var (id, (hard, log, commit)) in start)
            Nodes[id] = new TestNode(new RaftCoreOptions { NodeId = id }, Configuration, seed * 100 + Nodes.Count, hard, log, commit);
    }

    /// <summary>The peer entry of node n<paramref name="i"/>.</summary>
    public static PeerInfo Peer(int i) => new($"n{i}", $"tcp://127.0.0.1:{8040 + i * 10}");

    /// <summary>Messages matching this are dropped on the wire (a finer knife than <see cref="Cut"/>).</summary>
    public Func<string, string, object, bool>? Drop { get; set; }

    public ClusterConfiguration Configuration { get; }

    public Dictionary<string, TestNode> Nodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Every message that went over the wire, in order (for assertions).</summary>
    public List<(string From, string To, object Message)> Sent { get; } = [];

    /// <summary>Every client answer any node gave, in order.</summary>
    public List<(string Node, ClientReply Reply)> Replies { get; } = [];

    public IEnumerable<TestNode> Leaders => Nodes.Values.Where(n => n.Core.Role == RaftRole.Leader);

    public void Cut(string a, string b)
    {
        _cut.Add((a, b));
        _cut.Add((b, a));
    }

    public void Isolate(string id)
    {
        foreach (var other in Nodes.Keys.Where(k => k != id))
            Cut(id, other);
    }

    public void HealAll() => _cut.Clear();

    /// <summary>Runs <paramref name="ticks"/> ticks, delivering everything after each.</summary>
    public void Run(int ticks)
    {
        for (var t = 0; t < ticks; t++)
        {
            foreach (var node in Nodes.Values)
            {
                node.Core.Tick();
                Flush(node);
            }
            Deliver();
        }
    }

    /// <summary>Runs until <paramref name="condition"/> holds; fails after <paramref name="maxTicks"/>.</summary>
    public int RunUntil(Func<bool> condition, int maxTicks = 2000)
    {
        for (var t = 0; t < maxTicks; t++)
        {
            if (condition())
                return t;
            Run(1);
        }
        throw new Xunit.Sdk.XunitException($"condition not reached within {maxTicks} ticks; roles: {string.Join(", ", Nodes.Values.Select(n => $"{n.Id}={n.Core.Role}@{n.Core.Term}"))}");
    }

    public void Deliver(int maxMessages = 100_000)
    {
        for (var i = 0; i < maxMessages && _wire.TryDequeue(out var m); i++)
        {
            if (_cut.Contains((m.From, m.To)) || Drop?.Invoke(m.From, m.To, m.Message) == true)
                continue;
            var node = Nodes[m.To];
            node.Core.Step(new PeerMessage(m.From, m.Message));
            Flush(node);
        }
    }

    /// <summary>Carries out every Ready of <paramref name="node"/>, in the contract's order.</summary>
    public void Flush(TestNode node) => Simulation.ReadyDriver.Drain(node.Core, node.Store,
        send: m => Post(node.Id, m),
        reply: r => Replies.Add((node.Id, r)),
        apply: node.Applied.AddRange,
        restore: node.Restore);

    private void Post(string from, PeerMessage message)
    {
        Sent.Add((from, message.Peer, message.Message));
        _wire.Enqueue((from, message.Peer, message.Message));
    }
}

internal sealed class TestNode
{
    public TestNode(RaftCoreOptions options, ClusterConfiguration configuration, int seed)
        : this(options, configuration, seed, default, [], 0)
    {
    }

    public TestNode(RaftCoreOptions options, ClusterConfiguration configuration, int seed, HardState hard, LogEntry[] log, long commit)
    {
        Store = new Simulation.DurableStore(configuration) { Hard = hard };
        Store.Log.Write(0, log);
        Core = new RaftCore(options, hard, configuration, Store.Log, commit, seed);
    }

    public string Id => Core.Id;

    public RaftCore Core { get; }

    public Simulation.DurableStore Store { get; }

    public InMemoryRaftLog Log => Store.Log;

    /// <summary>Entries handed to the state machine, in order.</summary>
    public List<LogEntry> Applied { get; } = [];

    /// <summary>Snapshots handed to the state machine to restore, in order.</summary>
    public List<SnapshotInstall> RestoredSnapshots { get; } = [];

    /// <summary>The hard state as persisted (what survives a crash).</summary>
    public HardState Durable => Store.Hard;

    /// <summary>
    /// The host's snapshot: what the state machine applied, as length-prefixed raw entries (plus
    /// <paramref name="padding"/> zero bytes, to make a snapshot that takes several chunks), installed as a
    /// compaction of the log up to the last applied index.
    /// </summary>
    public void Compact(int padding = 0)
    {
        var applied = Core.LastApplied;
        var output = new MemoryStream();
        foreach (var entry in Applied.Take((int)applied))
        {
            output.Write(BitConverter.GetBytes(entry.Raw.Length));
            output.Write(entry.Raw.Span);
        }
        output.Write(BitConverter.GetBytes(-1 - padding)); // a negative length marks the padding
        output.Write(new byte[padding]);
        Log.InstallSnapshot(applied, Log.TermAt(applied) ?? throw new InvalidOperationException($"no term at {applied}"), output.ToArray());
    }

    /// <summary>The state machine restores a snapshot: its entries replace what was applied.</summary>
    public void Restore(SnapshotInstall snapshot)
    {
        RestoredSnapshots.Add(snapshot);
        Applied.Clear();
        var data = Log.ReadSnapshot(0, (int)Log.SnapshotSize).ToArray();
        for (var at = 0; at < data.Length;)
        {
            var length = BitConverter.ToInt32(data, at);
            if (length < 0)
                break; // the padding marker
            Applied.Add(LogEntry.TryWrap(data.AsMemory(at + 4, length).ToArray(), out var entry, out var error) ? entry : throw new InvalidOperationException(error));
            at += 4 + length;
        }
        if (Applied.Count != snapshot.Index)
            throw new InvalidOperationException($"snapshot {snapshot.Index} restored {Applied.Count} entries");
    }
}
