using System.Globalization;
using System.Text.Json;

namespace RaftRunner.Client.Tests.Testing;

/// <summary>
/// Three (or more) real zmq-raft 0.5.0 nodes — <c>node &lt;package&gt;/bin/zmq-raft.js -c &lt;id&gt;.hjson</c> — on
/// 127.0.0.1, each with its BroadcastStateMachine's PUB socket and the web monitor off. zmq-raft is installed by
/// tests/vectors/install-zmq-raft.sh into the git-ignored .zmq-raft folder (once per run). The config is written as
/// the interop tests' ZmqRaftNodeProcess writes it. Disposing kills every process and deletes the data.
/// </summary>
internal sealed class ZmqRaftCluster : IDisposable
{
    public const string Secret = "zmq-raft-client-test";
    private static readonly Lazy<string> Package = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string _root = Directory.CreateTempSubdirectory("rr-client-zmq-raft-").FullName;
    private readonly Dictionary<string, ChildProcess> _processes = [];
    private readonly Dictionary<string, string> _configs = [];

    private ZmqRaftCluster(int size)
    {
        var ports = Ports.Free(2 * size);
        Peers = [.. Enumerable.Range(0, size).Select(i => (Id: $"z{i + 1}", Url: Ports.Url(ports[2 * i]), Pub: Ports.Url(ports[2 * i + 1])))];
        foreach (var peer in Peers)
        {
            var data = Path.Combine(_root, peer.Id);
            Directory.CreateDirectory(data);
            var config = new
            {
                raft = new
                {
                    id = peer.Id,
                    secret = Secret,
                    label = "client tests",
                    peers = Peers.Select(p => new { id = p.Id, url = p.Url }).ToArray(),
                    data = new
                    {
                        path = data,
                        appendIdToPath = false,
                        raft = "raft.pers",
                        log = "log",
                        snapshot = "snap",
                        state = "state.pers",
                        compact = new { install = "compact/snap.new", watch = false },
                    },
                    router = new { bind = peer.Url },
                    broadcast = new { url = peer.Pub, bind = peer.Pub },
                    webmonitor = new { enable = false },
                },
            };
            var file = data + ".hjson";
            File.WriteAllText(file, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
            _configs[peer.Id] = file;
        }
    }

    public IReadOnlyList<(string Id, string Url, string Pub)> Peers { get; }

    public IEnumerable<string> Urls => Peers.Select(p => p.Url);

    public IEnumerable<string> Running => _processes.Where(p => !p.Value.HasExited).Select(p => p.Key);

    /// <summary>Starts every node and waits until each listens; skips nothing — a machine without Node.js fails the test.</summary>
    public static async Task<ZmqRaftCluster> StartAsync(int size = 3)
    {
        var package = await Task.Run(() => Package.Value);
        var cluster = new ZmqRaftCluster(size);
        try
        {
            await Task.WhenAll(cluster.Peers.Select(p => Task.Run(() => cluster.Start(package, p.Id))));
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public RaftClient Client(RaftClientOptions? options = null) => new(Urls, (options ?? new RaftClientOptions()) with { Secret = Secret });

    /// <summary>SIGKILL, as a crash.</summary>
    public void Kill(string id)
    {
        if (_processes.Remove(id, out var process))
            process.Dispose();
    }

    public string Logs() => string.Join("\n", _processes.Select(p => $"--- {p.Key}:\n{p.Value.StandardOutput}{p.Value.StandardError}"));

    public void Dispose()
    {
        foreach (var process in _processes.Values)
            process.Dispose();
        _processes.Clear();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temporary folder
        }
    }

    private void Start(string package, string id)
    {
        var process = ChildProcess.Start("node", [Path.Combine(package, "bin", "zmq-raft.js"), "-c", _configs[id]], _root);
        lock (_processes)
            _processes[id] = process;
        if (!process.WaitForOutput("server listening at", StartTimeout))
            throw new InvalidOperationException($"zmq-raft node {id} did not start: {process.StandardOutput}{process.StandardError}");
    }

    private static string Install()
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "vectors", "install-zmq-raft.sh");
        var (exitCode, stdout, stderr) = ChildProcess.Run("bash", [script], TimeSpan.FromMinutes(5));
        if (exitCode != 0)
            throw new InvalidOperationException($"installing zmq-raft failed ({exitCode.ToString(CultureInfo.InvariantCulture)}): {stderr}{stdout}");
        return stdout.Trim().Split('\n')[^1];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RaftRunner.Actors.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"cannot find the repository root above {AppContext.BaseDirectory}");
    }
}
