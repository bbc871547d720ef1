using System.Net.Sockets;
using System.Text.Json;
using RaftRunner.Testing;
using Xunit.Abstractions;

namespace RaftRunner.InteropTests;

/// <summary>
/// The seed's walkthrough, end to end (issue 8): src/start1.sh … start3.sh form a cluster from the repository root,
/// src/start4.sh adds a node that joins, and node 1's monitor on 8042 lists four peers. The ports are the
/// walkthrough's own (fixed by DESIGN.md), so the test first checks they are free.
/// </summary>
public sealed class StartScriptTests(ITestOutputHelper output) : IDisposable
{
    private static readonly int[] Ports = [8041, 8042, 8043, 8051, 8052, 8053, 8061, 8062, 8063, 8071, 8072, 8073];
    private readonly string _data = Path.Combine(RepositoryPaths.Root, "tmp", "walkthrough");
    private readonly List<ChildProcess> _nodes = [];

    [Fact]
    public async Task Three_scripts_form_a_cluster_and_the_fourth_joins_it()
    {
        foreach (var port in Ports)
            Assert.True(IsFree(port), $"port {port} of the walkthrough is in use; stop whatever holds it");
        DeleteData();
        for (var n = 1; n <= 3; n++)
            Start(n);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        await WaitForPeers(http, 3, withLeader: true, TimeSpan.FromSeconds(120)); // the first script may build
        Start(4);
        var peers = await WaitForPeers(http, 4, withLeader: true, TimeSpan.FromSeconds(60));
        Assert.Equal(["1", "2", "3", "4"], peers.Order());
    }

    private void Start(int n)
    {
        var script = Path.Combine(RepositoryPaths.Root, "src", $"start{n}.sh");
        var process = ChildProcess.Start("bash", [script], RepositoryPaths.Root);
        _nodes.Add(process);
    }

    /// <summary>Polls node 1's /status until it lists <paramref name="count"/> reachable peers (one of them leading).</summary>
    private async Task<string[]> WaitForPeers(HttpClient http, int count, bool withLeader, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            foreach (var node in _nodes.Where(n => n.HasExited))
                Assert.Fail($"a start script exited with {node.ExitCode}: {node.StandardError}{node.StandardOutput}");
            try
            {
                last = await http.GetStringAsync("http://127.0.0.1:8042/status");
                using var status = JsonDocument.Parse(last);
                var peers = status.RootElement.GetProperty("peers").EnumerateArray().ToArray();
                var reachable = peers.Where(p => p.TryGetProperty("reachable", out var r) && r.GetBoolean()).ToArray();
                var leaders = peers.Count(p => p.TryGetProperty("role", out var role) && role.GetString() == "leader");
                if (peers.Length == count && reachable.Length == count && (!withLeader || leaders == 1))
                    return [.. peers.Select(p => p.GetProperty("id").GetString()!)];
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                last = e.Message;
            }
            await Task.Delay(500);
        }
        output.WriteLine(last);
        throw new TimeoutException($"node 1's monitor did not list {count} peers within {within}; last answer: {last}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void DeleteData()
    {
        foreach (var n in new[] { "1", "2", "3", "4" })
        {
            var dir = Path.Combine(_data, n);
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited)
                node.Signal("TERM");
        }
        foreach (var node in _nodes)
        {
            if (!node.WaitForExit(TimeSpan.FromSeconds(5)))
                output.WriteLine($"start script {node.Id} did not stop on SIGTERM; killed");
            node.Dispose();
        }
        DeleteData();
    }
}
