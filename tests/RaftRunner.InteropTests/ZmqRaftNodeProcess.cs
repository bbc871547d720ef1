using System.Globalization;
using System.Text.Json;

namespace RaftRunner.InteropTests;

/// <summary>
/// A zmq-raft node process (<c>node &lt;package&gt;/bin/zmq-raft.js -c &lt;config&gt;.hjson</c>, zmq-raft 0.5.0), one
/// peer of a cluster, bound to 127.0.0.1. Its config (config/default.hjson's keys) is written next to the data
/// directory, not inside it, so the data directory can be wiped: the peer list, the secret, the data directory
/// (compaction snapshots dropped at <see cref="CompactInstallPath"/> are installed: data.compact.watch), the
/// broadcast state machine on a port of its own, the web monitor off. Stopping it sends SIGTERM (zmq-raft closes
/// and exits); <see cref="Kill"/> is SIGKILL. The data directory outlives the process, so a test can restart a
/// node on it.
/// </summary>
internal sealed class ZmqRaftNodeProcess : IClusterNodeProcess
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly string _serverScript;
    private ChildProcess? _process;
    private string _earlierOutput = "";

    /// <param name="serverScript">zmq-raft's bin/zmq-raft.js (<see cref="ZmqRaftInstallation.ServerScript"/>).</param>
    /// <param name="peers">the whole cluster, this node included, in the same order on every node.</param>
    /// <param name="broadcastPort">the broadcast state machine's PUB port; by default <see cref="FreePort.Next"/>.</param>
    public ZmqRaftNodeProcess(string serverScript, string id, int port, string dataDirectory, IReadOnlyList<(string Id, string Url)> peers, string secret, int? broadcastPort = null)
    {
        _serverScript = serverScript;
        Id = id;
        Port = port;
        DataDirectory = Path.GetFullPath(dataDirectory);
        ConfigFile = DataDirectory.TrimEnd(Path.DirectorySeparatorChar) + ".hjson";
        BroadcastPort = broadcastPort ?? FreePort.Next();
        Directory.CreateDirectory(DataDirectory);
        // JSON is hjson; zmq-raft's readConfig picks the parser by the extension.
        var config = new
        {
            raft = new
            {
                id,
                secret,
                label = "mixed cluster",
                peers = peers.Select(p => new { id = p.Id, url = p.Url }).ToArray(),
                data = new
                {
                    path = DataDirectory,
                    appendIdToPath = false,
                    raft = "raft.pers",
                    log = "log",
                    snapshot = "snap",
                    state = "state.pers",
                    compact = new { install = "compact/snap.new", watch = true },
                },
                router = new { bind = Url },
                broadcast = new { url = BroadcastUrl, bind = BroadcastUrl },
                webmonitor = new { enable = false },
            },
        };
        File.WriteAllText(ConfigFile, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
    }

    public string Kind => "zmq-raft";

    public string Id { get; }

    public int Port { get; }

    public string Url => $"tcp://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public int BroadcastPort { get; }

    public string BroadcastUrl => $"tcp://127.0.0.1:{BroadcastPort.ToString(CultureInfo.InvariantCulture)}";

    public string DataDirectory { get; }

    public string ConfigFile { get; }

    /// <summary>Where a compaction snapshot (zr-log-compact's target) is picked up and installed by the running node.</summary>
    public string CompactInstallPath => Path.Combine(DataDirectory, "compact", "snap.new");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>What this node's processes wrote, the earlier incarnations' first.</summary>
    public string Output => _earlierOutput + (_process is null ? "" : _process.StandardOutput + _process.StandardError);

    /// <summary>Starts the node and waits until zmq-raft says it listens (at most 15 s).</summary>
    public void Start()
    {
        if (IsRunning)
            throw new InvalidOperationException($"{Id} is running already");
        Retire();
        // DEBUG=zmq-raft:builder logs each change of role and term ("raft-state: Symbol(Leader) term: 2") on stderr.
        _process = ChildProcess.Start("env", ["DEBUG=zmq-raft:builder", "DEBUG_COLORS=no", "node", _serverScript, "-c", ConfigFile], Path.GetDirectoryName(DataDirectory));
        if (!_process.WaitForOutput("server listening at", StartTimeout))
            throw new InvalidOperationException($"zmq-raft node {Id} did not start: {Output}");
    }

    /// <summary>SIGTERM and wait for the exit (zmq-raft closes its log and sockets first).</summary>
    public int Stop(TimeSpan? timeout = null)
    {
        if (_process is null || _process.HasExited)
            return _process?.ExitCode ?? 0;
        _process.Signal("TERM");
        if (!_process.WaitForExit(timeout ?? TimeSpan.FromSeconds(10)))
            throw new InvalidOperationException($"zmq-raft node {Id} did not stop on SIGTERM: {Output}");
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown at all, as a crash.</summary>
    public void Kill() => Retire();

    public void Dispose() => _process?.Dispose();

    private void Retire()
    {
        if (_process is null)
            return;
        _process.Dispose();
        _earlierOutput += _process.StandardOutput + _process.StandardError + "--- (process ended) ---\n";
        _process = null;
    }
}

/// <summary>A node process of either kind in a cluster test: started, stopped (SIGTERM) or killed (SIGKILL) on its data directory.</summary>
internal interface IClusterNodeProcess : IDisposable
{
    /// <summary>"zmq-raft" or "raft-runner".</summary>
    string Kind { get; }

    string Id { get; }

    string Url { get; }

    string DataDirectory { get; }

    bool IsRunning { get; }

    /// <summary>What the current (or last) process wrote, stdout then stderr.</summary>
    string Output { get; }

    void Start();

    int Stop(TimeSpan? timeout = null);

    void Kill();
}
