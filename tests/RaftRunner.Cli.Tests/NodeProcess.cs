using System.Diagnostics;
using System.Text.Json;

namespace RaftRunner.Cli.Tests;

/// <summary>A <c>raft-runner node</c> process on 127.0.0.1 (web monitor off, PUB port given), killed on dispose.</summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly ChildProcess _process;

    private NodeProcess(string id, int port, int pubPort, string dataDirectory, string peers, string? secret)
    {
        Id = id;
        Url = $"tcp://127.0.0.1:{RaftRunnerCli.Port(port)}";
        DataDirectory = dataDirectory;
        var args = new List<string>
        {
            RaftRunnerCli.Assembly, "node", "--id", id, "--port", RaftRunnerCli.Port(port), "--pub", RaftRunnerCli.Port(pubPort),
            "--data", dataDirectory, "--peers", peers, "--ip", "127.0.0.1", "--www", "off",
        };
        if (secret is not null)
            args.AddRange(["--secret", secret]);
        _process = ChildProcess.Start("dotnet", args);
    }

    public string Id { get; }

    public string Url { get; }

    public string DataDirectory { get; }

    public string Output => _process.StandardOutput + _process.StandardError;

    /// <summary>Starts a node and waits until its ROUTER is bound.</summary>
    public static NodeProcess Start(string id, int port, int pubPort, string dataDirectory, string peers, string? secret = null)
    {
        var node = new NodeProcess(id, port, pubPort, dataDirectory, peers, secret);
        if (!node._process.WaitForOutput("ROUTER bound to", TimeSpan.FromSeconds(20)))
        {
            var output = node.Output;
            node.Dispose();
            throw new InvalidOperationException($"{id} did not start:\n{output}");
        }
        return node;
    }

    /// <summary>SIGTERM, and the exit code of the clean shutdown that follows.</summary>
    public int Stop()
    {
        _process.Signal("TERM");
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            throw new InvalidOperationException($"{Id} did not stop on SIGTERM:\n{Output}");
        return _process.ExitCode;
    }

    public void Dispose() => _process.Dispose();
}

/// <summary>
/// Three <c>raft-runner node</c> processes with a secret, each with a data directory of its own, shared by the
/// tests of a class; ready once <c>config show</c> names a leader.
/// </summary>
public sealed class ThreeNodeCluster : IDisposable
{
    public const string Secret = "cli-tests";

    private readonly ScratchDirectory _scratch = new("rr-cli-cluster");
    private readonly List<NodeProcess> _nodes = [];

    public ThreeNodeCluster()
    {
        try
        {
            var ports = FreePort.Distinct(6);
            var ids = new[] { "n1", "n2", "n3" };
            Peers = string.Join(',', ids.Select((id, i) => $"{id}=tcp://127.0.0.1:{RaftRunnerCli.Port(ports[2 * i])}"));
            for (var i = 0; i < ids.Length; i++)
                _nodes.Add(NodeProcess.Start(ids[i], ports[2 * i], ports[(2 * i) + 1], _scratch.Combine(ids[i]), Peers, Secret));
            Urls = string.Join(',', _nodes.Select(n => n.Url));
            WaitForLeader(TimeSpan.FromSeconds(20));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The --peers of the nodes: n1=tcp://127.0.0.1:P1,…</summary>
    public string Peers { get; }

    /// <summary>The nodes' urls, comma-separated: what the tools' --peers takes.</summary>
    public string Urls { get; } = "";

    public string DataDirectory(int node) => _nodes[node].DataDirectory;

    public string Scratch(string name) => _scratch.Combine(name);

    public string Output => string.Join("\n", _nodes.Select(n => $"--- {n.Id}\n{n.Output}"));

    private void WaitForLeader(TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        CliResult last;
        do
        {
            last = RaftRunnerCli.Run(["config", "show", "--peers", Urls, "--secret", Secret, "--json", "--timeout", "3"]);
            if (last.ExitCode == 0 && JsonDocument.Parse(last.StdoutLines[^1]).RootElement.GetProperty("leader").GetString() is { Length: > 0 })
                return;
        }
        while (clock.Elapsed < within);
        throw new InvalidOperationException($"no leader within {within}:\n{last}\n{Output}");
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
        _scratch.Dispose();
    }
}
