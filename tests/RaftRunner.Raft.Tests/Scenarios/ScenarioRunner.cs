using System.Globalization;
using System.Text;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Tests.Harness;

namespace RaftRunner.Raft.Tests.Scenarios;

/// <summary>
/// Runs a scenario file in the style of etcd-io/raft's testdata: blocks of
/// <code>
/// command args
/// ----
/// expected output
/// </code>
/// separated by blank lines; lines starting with # are comments. Set RAFTRUNNER_REWRITE=1 to write the actual
/// output back into the file (then read the diff before committing it).
/// </summary>
internal sealed class ScenarioRunner
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly Dictionary<string, RequestId> _requestIds = [];
    private TestCluster? _cluster;

    public static (string Expected, string Actual) Run(string path)
    {
        var runner = new ScenarioRunner();
        var expected = new StringBuilder();
        var actual = new StringBuilder();
        foreach (var block in Parse(File.ReadAllLines(path)))
        {
            var header = string.Join("\n", block.Comments.Append(block.Command)) + "\n----\n";
            expected.Append(header).Append(block.Expected).Append("\n\n");
            actual.Append(header).Append(runner.Execute(block.Command)).Append("\n\n");
        }
        return (expected.ToString().TrimEnd() + "\n", actual.ToString().TrimEnd() + "\n");
    }

    private static IEnumerable<(List<string> Comments, string Command, string Expected)> Parse(string[] lines)
    {
        var i = 0;
        while (i < lines.Length)
        {
            var comments = new List<string>();
            while (i < lines.Length && (lines[i].StartsWith('#') || lines[i].Trim().Length == 0))
            {
                if (lines[i].StartsWith('#'))
                    comments.Add(lines[i]);
                i++;
            }
            if (i >= lines.Length)
                yield break;
            var command = lines[i++];
            if (i >= lines.Length || lines[i] != "----")
                throw new FormatException($"line {i + 1}: expected ---- after the command '{command}'");
            i++;
            var output = new List<string>();
            while (i < lines.Length && lines[i].Trim().Length > 0)
                output.Add(lines[i++]);
            yield return (comments, command, string.Join("\n", output));
        }
    }

    private string Execute(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var cluster = _cluster;
        switch (words[0])
        {
            case "cluster":
                _cluster = new TestCluster(Arg(words, "nodes"), Arg(words, "seed"), spares: OptionalArg(words, "spares") ?? 0);
                return Status();
            case "run":
                Need(cluster).Run(int.Parse(words[1], CultureInfo.InvariantCulture));
                return Status();
            case "run-until-leader":
                var ticks = Need(cluster).RunUntil(() => cluster!.Leaders.Count() == 1 && cluster.Nodes.Values.All(n => n.Core.LeaderId is not null || n.Core.Role == RaftRole.Client));
                return $"after {ticks} ticks\n" + Status();
            case "isolate":
                Need(cluster).Isolate(words[1]);
                return "ok";
            case "cut":
                Need(cluster).Cut(words[1], words[2]);
                return "ok";
            case "config-update":
                // config-update <node> <request-number> <peer ids…>: a client's ConfigUpdate to that node
                var target = Need(cluster).Nodes[words[1]];
                if (!_requestIds.TryGetValue(words[2], out var configId))
                    _requestIds[words[2]] = configId = RequestId.New(Now.AddSeconds(int.Parse(words[2], CultureInfo.InvariantCulture)));
                target.Core.ConfigUpdate(words[2], configId, Membership.MembershipChangeTests.Peers(words.Skip(3).Select(w => int.Parse(w[1..], CultureInfo.InvariantCulture)).ToArray()), Now);
                var first = cluster!.Replies.Count;
                cluster.Flush(target);
                return string.Join("\n", cluster.Replies.Skip(first).Select(r => $"{r.Node} answers {r.Reply.Token}: {Describe(r.Reply.Response)}"));
            case "config":
                return string.Join("\n", Need(cluster).Nodes.Values.Select(n =>
                    $"{n.Id}: {n.Core.Role,-9} {Describe(n.Core.Configuration.ToEntryData())} from {(n.Core.Membership.PeersIndex is { } at ? $"entry {at}" : "start")}"));
            case "heal":
                Need(cluster).HealAll();
                return "ok";
            case "update":
                // update <node> <request-number> <text>: a client's RequestUpdate to that node
                var node = Need(cluster).Nodes[words[1]];
                // The same request number is the same request (a retry keeps its id).
                if (!_requestIds.TryGetValue(words[2], out var id))
                    _requestIds[words[2]] = id = RequestId.New(Now.AddSeconds(int.Parse(words[2], CultureInfo.InvariantCulture)));
                node.Core.RequestUpdate(words[2], id, Encoding.UTF8.GetBytes(words[3]), Now);
                var before = cluster!.Replies.Count;
                cluster.Flush(node);
                return string.Join("\n", cluster.Replies.Skip(before).Select(r => $"{r.Node} answers {r.Reply.Token}: {Describe(r.Reply.Response)}"));
            case "replies":
                return string.Join("\n", Need(cluster).Replies.Select(r => $"{r.Node} answers {r.Reply.Token}: {Describe(r.Reply.Response)}"));
            case "logs":
                return string.Join("\n", Need(cluster).Nodes.Values.Select(n =>
                    $"{n.Id}: " + string.Join(" ", Enumerable.Range((int)n.Log.SnapshotIndex + 1, (int)(n.Log.LastIndex - n.Log.SnapshotIndex)).Select(i => Entry(n.Log.Entries(i, i)[0])))));
            default:
                throw new FormatException($"unknown command '{words[0]}'");
        }
    }

    private string Status() => string.Join("\n", Need(_cluster).Nodes.Values.Select(n =>
        $"{n.Id}: {n.Core.Role,-9} term {n.Core.Term} voted {n.Core.VotedFor ?? "-"} leader {n.Core.LeaderId ?? "-"} commit {n.Core.CommitIndex} last {n.Core.LastIndex}"));

    private static string Entry(LogEntry e) => e.Type switch
    {
        LogEntryType.Checkpoint => $"[{e.Term} checkpoint]",
        LogEntryType.Config => ConfigEntryData.TryDecode(e.Data.Span, out var data, out _) ? $"[{e.Term} config {Describe(data)}]" : $"[{e.Term} config ?]",
        _ => $"[{e.Term} {Encoding.UTF8.GetString(e.Data.Span)}]",
    };

    private static string Describe(object response) => response switch
    {
        RequestUpdateResponse r => r.Outcome switch
        {
            RequestUpdateOutcome.Committed => $"committed at {r.Index}",
            RequestUpdateOutcome.NotLeader => $"not leader (leader {r.LeaderId ?? "unknown"})",
            var o => o.ToString().ToLowerInvariant(),
        },
        ConfigUpdateResponse c => c.Status switch
        {
            ConfigUpdateStatus.Accepted when c.Index is { } index => $"config changed (joint entry {index})",
            ConfigUpdateStatus.Accepted => "accepted",
            ConfigUpdateStatus.NotLeader => $"not leader (leader {c.LeaderId ?? "unknown"})",
            ConfigUpdateStatus.ConfigError => $"error {c.ErrorName}: {c.ErrorMessage}",
            var status => status.ToString().ToLowerInvariant(),
        },
        ConfigEntryData d => d.OldPeers is { } old
            ? $"{string.Join(",", old.Select(p => p.Id))}->{string.Join(",", d.Peers.Select(p => p.Id))}"
            : string.Join(",", d.Peers.Select(p => p.Id)),
        _ => response.ToString() ?? "",
    };

    private static int Arg(string[] words, string name) =>
        int.Parse(words.Single(w => w.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);

    private static int? OptionalArg(string[] words, string name) =>
        words.Any(w => w.StartsWith(name + "=", StringComparison.Ordinal)) ? Arg(words, name) : null;

    private static TestCluster Need(TestCluster? cluster) => cluster ?? throw new FormatException("start with: cluster nodes=N seed=S");
}
