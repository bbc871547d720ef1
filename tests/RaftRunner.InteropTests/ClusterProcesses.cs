using System.Globalization;

namespace RaftRunner.InteropTests;

/// <summary>
/// A cluster of <c>raft-runner node</c> processes (n1, n2, …) on 127.0.0.1, each with its data directory in one
/// temporary folder. Unlike <see cref="RaftRunnerNodeProcess"/> it passes every port explicitly (the PUB port
/// would otherwise be port + 2, which can be another node's port) and a <c>--config</c> file of extra settings,
/// and a node counts as started once its sockets are bound.
/// Disposing stops every process (SIGTERM, then SIGKILL) and deletes the folder.
/// </summary>
/// <remarks>
/// Ports come from below the kernel's ephemeral range (tests/Shared/FreePort.cs). Should a bind fail anyway (the
/// node then exits with 1), the whole cluster starts again on new ports.
/// </remarks>
internal sealed class ClusterProcesses : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private const int Attempts = 3;
    private readonly string _root;
    private readonly List<Node> _nodes = [];

    private ClusterProcesses(string root) => _root = root;

    /// <summary>Which start this is (1 unless a port was taken and the cluster started again).</summary>
    public int Attempt { get; private init; }

    public IReadOnlyList<string> Ids => [.. _nodes.Select(n => n.Id)];

    public IReadOnlyList<string> Urls => [.. _nodes.Select(n => n.Url)];

    /// <summary>The peers option every node is given: <c>n1=tcp://127.0.0.1:P1,…</c>.</summary>
    public string Peers => string.Join(",", _nodes.Select(n => $"{n.Id}={n.Url}"));

    /// <summary>Starts <paramref name="size"/> nodes at once and returns when each has bound its sockets.</summary>
    public static async Task<ClusterProcesses> StartAsync(int size, string secret, string settings)
    {
        var failures = new List<string>();
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var cluster = new ClusterProcesses(Directory.CreateTempSubdirectory("raft-runner-cluster-").FullName) { Attempt = attempt };
            try
            {
                var configFile = Path.Combine(cluster._root, "cluster.conf");
                await File.WriteAllTextAsync(configFile, settings);
                var ports = FreePort.Distinct(2 * size);
                for (var i = 0; i < size; i++)
                {
                    var id = "n" + (i + 1).ToString(CultureInfo.InvariantCulture);
                    cluster._nodes.Add(new Node(id, ports[2 * i], ports[2 * i + 1], Path.Combine(cluster._root, id)));
                }
                var peers = cluster.Peers;
                var started = await Task.WhenAll(cluster._nodes.Select(n => Task.Run(() => n.Start(peers, secret, configFile))));
                if (started.All(s => s))
                    return cluster;
                failures.Add($"attempt {attempt}: a port was taken\n{cluster.Logs(5)}");
                cluster.Dispose();
            }
            catch
            {
                cluster.Dispose();
                throw;
            }
        }
        throw new InvalidOperationException($"the cluster did not start in {Attempts} attempts:\n{string.Join("\n", failures)}");
    }

    /// <summary>Each node's captured output, for failure messages.</summary>
    public string Logs(int lastLines = 30) => string.Join("\n", _nodes.Select(n =>
        $"--- {n.Id} ({n.Url}{(n.Process is { HasExited: true } p ? $", exited {p.ExitCode}" : "")}):\n"
        + string.Join("\n", n.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lastLines))));

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Process?.Signal("TERM");
        foreach (var node in _nodes)
        {
            node.Process?.WaitForExit(TimeSpan.FromSeconds(5));
            node.Process?.Dispose();
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temporary folder
        }
    }

    private sealed class Node(string id, int port, int pubPort, string dataDirectory)
    {
        public string Id { get; } = id;

        public string Url { get; } = $"tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

        public ChildProcess? Process { get; private set; }

        public string Output => Process is null ? "" : Process.StandardOutput + Process.StandardError;

        /// <summary>False when the node could not bind a socket (a port was taken after it was chosen).</summary>
        public bool Start(string peers, string secret, string configFile)
        {
            Process = ChildProcess.Start("dotnet",
            [
                RaftRunnerNodeProcess.CliAssembly, "node", "--id", Id, "--port", port.ToString(CultureInfo.InvariantCulture),
                "--pub", pubPort.ToString(CultureInfo.InvariantCulture), "--data", dataDirectory, "--peers", peers,
                "--ip", "127.0.0.1", "--www", "off", "--secret", secret, "--config", configFile,
            ]);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < StartTimeout)
            {
                var output = Output;
                if (output.Contains("PUB bound to", StringComparison.Ordinal))
                    return true;
                if (output.Contains("could not open its sockets", StringComparison.Ordinal))
                    return false;
                if (Process.HasExited)
                    break;
                Thread.Sleep(20);
            }
            throw new InvalidOperationException($"{Id} did not bind its sockets within {StartTimeout}: {Output}");
        }
    }
}
