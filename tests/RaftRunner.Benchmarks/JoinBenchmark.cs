using System.Collections.Concurrent;
using System.Diagnostics;
using RaftRunner.Actors;
using RaftRunner.Node;
using RaftRunner.Node.Peer;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.Testing;
using static RaftRunner.Benchmarks.NodeBench;

namespace RaftRunner.Benchmarks;

/// <summary>
/// "join": how long a new node takes to join a three-node cluster that holds 1,000,000 committed entries, most of
/// them covered by a snapshot. The three nodes (each its own ActorSystem in this process, on 127.0.0.1) are loaded
/// through the leader with small key-value changes, many in flight, and snapshot themselves every
/// <see cref="SnapshotInterval"/> applied entries. Then a fourth node starts with only one seed peer in its list (not
/// itself: a dynamic join); the time is split at: configuration discovered, FOLLOWER (in the new configuration),
/// the leader's snapshot installed and restored, and caught up (its last applied index reaches the leader's commit
/// index). Its state hash must equal the leader's. One round whatever the rounds argument.
/// </summary>
internal static class JoinBenchmark
{
    private const int Entries = 1_000_000;
    private const int ValueSize = 100;
    private const int InFlight = 1_000;
    private const long SnapshotInterval = 100_000;

    public static async Task<IReadOnlyList<BenchmarkResult>> Run(int rounds)
    {
        _ = rounds; // one round: see the summary
        Console.WriteLine($"join (one round): a 3-node cluster loaded with {N(Entries)} changes of {ValueSize} B ({N(InFlight)} in flight, snapshot-interval {N(SnapshotInterval)}), then a 4th node joins through one seed peer; load average {LoadAverage()} on {Environment.ProcessorCount} cores");
        var origin = Stopwatch.GetTimestamp();
        var root = Directory.CreateTempSubdirectory("bench-join-").FullName;
        var nodes = new Dictionary<string, (ActorSystem System, IActorRef Node, KeyValueStateMachine Machine, LogCapture Log)>();
        try
        {
            var ports = FreePort.Distinct(4);
            var all = ports.Select((p, i) => new PeerInfo($"n{i + 1}", $"tcp://127.0.0.1:{p}")).ToArray();
            var members = all.Take(3).ToArray();
            void Start(int i, IReadOnlyList<PeerInfo> peers)
            {
                var id = all[i].Id;
                var log = new LogCapture(id, origin);
                var system = ActorSystem.Create($"bench-join-{id}", options: new ActorSystemOptions { LoggerFactory = log });
                var machine = new KeyValueStateMachine();
                var node = system.ActorOf(RaftRunnerActor.Props(Settings(id, ports[i], Path.Combine(root, id), peers, SnapshotInterval), machine), "raft");
                nodes[id] = (system, node, machine, log);
            }
            for (var i = 0; i < 3; i++)
                Start(i, members);
            var leader = await Leader(nodes.Values.Select(n => n.Node).ToArray(), TimeSpan.FromSeconds(30));
            Say($"leader {leader}");

            // Load 1 M entries through the leader.
            var value = new byte[ValueSize];
            new Random(3).NextBytes(value);
            var loadStart = Stopwatch.GetTimestamp();
            var load = new ChangeLoad(nodes[leader].Node, i => KeyValueCommands.Set($"k{i:D7}", value), InFlight, Entries, 0, TimeSpan.FromSeconds(60));
            var loadDeadline = After(loadStart, TimeSpan.FromMinutes(30));
            while (!load.Completion.IsCompleted)
            {
                if (Stopwatch.GetTimestamp() > loadDeadline)
                {
                    load.Stop();
                    throw new TimeoutException($"the load: {N(load.Applied)} of {N(Entries)} changes in 30 min");
                }
                await Task.WhenAny(load.Completion, Task.Delay(TimeSpan.FromSeconds(15)));
                if (!load.Completion.IsCompleted)
                    Say($"load: {N(load.Applied)} applied after {F(Seconds(loadStart, Stopwatch.GetTimestamp()), "0")} s");
            }
            await load.Completion;
            if (load.Failed > 0)
                throw new InvalidOperationException($"{load.Failed} changes failed; first: {load.FirstError}");
            var loadSeconds = Seconds(loadStart, Stopwatch.GetTimestamp());
            Say($"load: {N(load.Applied)} changes in {F(loadSeconds, "0.0")} s = {F(load.Applied / loadSeconds, "0")} changes/s");

            // Everyone applied everything, and the leader's snapshot covers all but less than one interval.
            var commit = (await Status(nodes[leader].Node)).CommitIndex;
            await Until("every member applies the commit index", TimeSpan.FromMinutes(5), async () =>
                (await Task.WhenAll(members.Select(m => Status(nodes[m.Id].Node)))).All(s => s.LastApplied >= commit) ? "" : null);
            var snapshotted = await Until("the leader's snapshot covers all but one interval", TimeSpan.FromMinutes(5), async () =>
                await Status(nodes[leader].Node) is { } s && s.FirstIndex - 1 >= commit - SnapshotInterval ? s : null);
            var snapshotIndex = snapshotted.FirstIndex - 1;
            var snapshotBytes = new FileInfo(Path.Combine(root, leader, Node.Storage.NodeStorage.SnapshotFileName)).Length;
            var prepared = Stopwatch.GetTimestamp();
            Say($"cluster: commit index {N(commit)}, leader's snapshot at {N(snapshotIndex)} ({F(snapshotBytes / (double)(1 << 20), "0.0")} MiB; {N(commit - snapshotIndex)} entries after it); leader's data directory {F(DirectorySize(Path.Combine(root, leader)) / (double)(1 << 20), "0")} MiB; snapshots taken by the leader: {nodes[leader].Log.Count("Took a snapshot")}");

            // The join: n4 knows only n1, and is not in that list.
            var seed = members[0];
            var roles = new ConcurrentQueue<(long At, RoleChanged Change)>();
            Say($"n4 starts; load average {LoadAverage()}");
            var joinStart = Stopwatch.GetTimestamp();
            Start(3, [seed]);
            var joiner = nodes["n4"];
            var watcher = joiner.System.ActorOf(Props.Create(() => new RoleWatcher(roles)), "role-watcher");
            joiner.Node.Tell(SubscribeRoleChanges.Instance, watcher);
            var follower = await Until("n4 becomes a FOLLOWER", TimeSpan.FromMinutes(10), () =>
                Task.FromResult(roles.Where(r => r.Change.Role == RaftRole.Follower).Select(r => (object?)r.At).FirstOrDefault()));
            var followerAt = (long)follower;
            NodeStatus? last = null;
            var caughtUp = (long)await Until("n4 catches up with the leader's commit index", TimeSpan.FromMinutes(10), async () =>
            {
                var target = (await Status(nodes[leader].Node)).CommitIndex;
                last = await Status(joiner.Node);
                return last.LastApplied >= target ? Stopwatch.GetTimestamp() : (object?)null;
            });
            var discovered = joiner.Log.First("joins a cluster of");
            var added = joiner.Log.First("is added to the cluster");
            var installed = joiner.Log.First("installed the leader's snapshot");
            var restored = joiner.Log.First("Restored the snapshot at index");
            var finalStatus = await Status(joiner.Node);
            var leaderHash = nodes[leader].Machine.StateHash();
            var joinerHash = joiner.Machine.StateHash();

            string At(long? t) => t is { } v ? $"{F(Seconds(joinStart, v), "0.000")} s" : "(not logged)";
            Say($"join (seed {seed.Id}): configuration discovered {At(discovered)}, FOLLOWER {At(followerAt)}, added (joint config appended) {At(added)}, leader's snapshot installed {At(installed)}, restored {At(restored)}, caught up {At(caughtUp)}");
            Say($"n4: role {finalStatus.Role}, {finalStatus.Peers.Count} peers, first index {N(finalStatus.FirstIndex)}, last applied {N(finalStatus.LastApplied)}, {N(joiner.Machine.Count)} keys; state hash {(joinerHash == leaderHash ? "equals" : "DIFFERS FROM")} the leader's ({joinerHash[..16]}…)");
            Say($"roles seen by n4: {string.Join(", ", roles.Select(r => $"{r.Change.Role}@{F(Seconds(joinStart, r.At), "0.000")}s"))}");
            Say($"process peak RSS {N(Process.GetCurrentProcess().PeakWorkingSet64 >> 20)} MiB; preparing the cluster took {F(Seconds(origin, prepared), "0")} s");
            if (joinerHash != leaderHash)
                throw new InvalidOperationException($"n4's state hash {joinerHash} differs from the leader's {leaderHash}");

            return
            [
                new("join: load 1 M entries of 100 B into a 3-node cluster, 1,000 in flight (1 round)", "s", [loadSeconds], "(no target)", false, double.MaxValue),
                new("join: leader's snapshot size", "MiB", [snapshotBytes / (double)(1 << 20)], "(reference)", true, 0),
                new("join: start → configuration discovered", "s", [discovered is { } d ? Seconds(joinStart, d) : double.NaN], "(no target)", false, double.MaxValue),
                new("join: start → FOLLOWER", "s", [Seconds(joinStart, followerAt)], "(no target)", false, double.MaxValue),
                new("join: start → caught up (last applied = leader's commit)", "s", [Seconds(joinStart, caughtUp)], "(no target)", false, double.MaxValue),
            ];
        }
        finally
        {
            foreach (var (_, node) in nodes)
                await Stop(node.System);
            DeleteDirectory(root);
        }
    }

    private static async Task<NodeStatus> Status(IActorRef node) =>
        await node.Ask<NodeStatus>(GetNodeStatus.Instance, TimeSpan.FromSeconds(10)).ConfigureAwait(false);

    /// <summary>Waits until one node leads and the others follow it.</summary>
    private static async Task<string> Leader(IActorRef[] nodes, TimeSpan within) =>
        await Until("a leader the others follow", within, async () =>
        {
            var statuses = await Task.WhenAll(nodes.Select(n => TryStatus(n)));
            if (statuses.Any(s => s is null))
                return null;
            var leaders = statuses.Where(s => s!.Role == RaftRole.Leader).ToArray();
            return leaders.Length == 1 && statuses.All(s => s!.NodeId == leaders[0]!.NodeId || s.LeaderId == leaders[0]!.NodeId) ? leaders[0]!.NodeId : null;
        }, 20);
}
