using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Raft.Simulation;

/// <summary>
/// One simulated node: a core, and what it has made durable (hard state and log). A crash throws the core
/// away and keeps only the durable part, as a SIGKILL would; a restart builds a new core from it.
/// </summary>
public sealed class SimNode
{
    private readonly RaftCoreOptions _options;
    private readonly ClusterConfiguration _configuration;
    private int _incarnation;

    internal SimNode(string id, ClusterConfiguration configuration, int seed, CoreFaults faults)
    {
        _options = new RaftCoreOptions { NodeId = id, Faults = faults };
        _configuration = configuration;
        Seed = seed;
        Restart();
    }

    public string Id => _options.NodeId;

    public int Seed { get; }

    public RaftCore? Core { get; private set; }

    public bool IsUp => Core is not null;

    public HardState Durable { get; set; }

    public InMemoryRaftLog Log { get; } = new();

    /// <summary>Bumped at every restart, so the commit index may start over without counting as going back.</summary>
    public int Incarnation => _incarnation;

    /// <summary>Request ids applied by this incarnation's state machine (it is rebuilt from the log after a restart).</summary>
    public HashSet<RequestId> AppliedIds { get; } = [];

    public void Crash() => Core = null;

    public void Restart()
    {
        _incarnation++;
        AppliedIds.Clear();
        Core = new RaftCore(_options, Durable, _configuration, Log, commitIndex: 0, Seed * 7919 + _incarnation);
    }

    public IReadOnlyList<LogEntry> Entries() => Log.LastIndex == 0 ? [] : Log.Entries(1, Log.LastIndex);
}
