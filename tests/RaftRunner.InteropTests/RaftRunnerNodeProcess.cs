using System.Globalization;

namespace RaftRunner.InteropTests;

/// <summary>
/// A <c>raft-runner node</c> process (src/RaftRunner.Cli, built with the tests), bound to 127.0.0.1. Stopping it
/// sends SIGTERM (a clean shutdown); <see cref="Kill"/> is SIGKILL. The data directory outlives the process, so
/// a test can restart a node on it; <see cref="Output"/> keeps what earlier incarnations wrote.
/// </summary>
internal sealed class RaftRunnerNodeProcess(string id, int port, string dataDirectory, string peers, string? secret = null) : IClusterNodeProcess
{
    private ChildProcess? _process;
    private string _earlierOutput = "";

    public string Kind => "raft-runner";

    public string Id => id;

    public int Port => port;

    public string Url => $"tcp://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    /// <summary>The broadcast PUB port (--pub); null lets the node pick port + 2.</summary>
    public int? PubPort { get; init; }

    /// <summary>A HOCON file with further settings (--config), or null.</summary>
    public string? ConfigFile { get; init; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>What this node's processes wrote, the earlier incarnations' first.</summary>
    public string Output => _earlierOutput + (_process is null ? "" : _process.StandardOutput + _process.StandardError);

    /// <summary>The CLI's assembly, built next to the tests (the test project references the CLI project).</summary>
    public static string CliAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "raft-runner.dll");

    public RaftRunnerNodeProcess Start()
    {
        if (IsRunning)
            throw new InvalidOperationException($"{Id} is running already");
        Retire();
        var args = new List<string>
        {
            CliAssembly, "node", "--id", Id, "--port", Port.ToString(CultureInfo.InvariantCulture), "--data", DataDirectory,
            "--peers", peers, "--ip", "127.0.0.1", "--www", "off",
        };
        if (secret is not null)
            args.AddRange(["--secret", secret]);
        if (PubPort is { } pub)
            args.AddRange(["--pub", pub.ToString(CultureInfo.InvariantCulture)]);
        if (ConfigFile is not null)
            args.AddRange(["--config", ConfigFile]);
        _process = ChildProcess.Start("dotnet", args);
        if (!_process.WaitForOutput("ROUTER bound to", TimeSpan.FromSeconds(20))) // the bridge listens: not before
            throw new InvalidOperationException($"{Id} did not start: {Output}");
        return this;
    }

    void IClusterNodeProcess.Start() => Start();

    /// <summary>SIGTERM and wait for a clean exit (0).</summary>
    public int Stop(TimeSpan? timeout = null)
    {
        if (_process is null || _process.HasExited)
            return _process?.ExitCode ?? 0;
        _process.Signal("TERM");
        if (!_process.WaitForExit(timeout ?? TimeSpan.FromSeconds(10)))
            throw new InvalidOperationException($"{Id} did not stop on SIGTERM: {Output}");
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
