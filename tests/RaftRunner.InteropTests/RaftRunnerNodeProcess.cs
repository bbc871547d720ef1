using System.Globalization;

namespace RaftRunner.InteropTests;

/// <summary>
/// A <c>raft-runner node</c> process (src/RaftRunner.Cli, built with the tests), bound to 127.0.0.1. Stopping it
/// sends SIGTERM (a clean shutdown); <see cref="Kill"/> is SIGKILL. The data directory outlives the process, so
/// a test can restart a node on it.
/// </summary>
internal sealed class RaftRunnerNodeProcess : IDisposable
{
    private ChildProcess? _process;

    public RaftRunnerNodeProcess(string id, int port, string dataDirectory, string peers, string? secret = null)
    {
        Id = id;
        Port = port;
        DataDirectory = dataDirectory;
        Peers = peers;
        Secret = secret;
    }

    public string Id { get; }

    public int Port { get; }

    public string Url => $"tcp://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public string DataDirectory { get; }

    public string Peers { get; }

    public string? Secret { get; }

    public bool IsRunning => _process is { HasExited: false };

    public string Output => (_process?.StandardOutput ?? "") + (_process?.StandardError ?? "");

    /// <summary>The CLI's assembly, built next to the tests' (the test project references the CLI project).</summary>
    public static string CliAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "raft-runner.dll");

    public RaftRunnerNodeProcess Start()
    {
        if (IsRunning)
            throw new InvalidOperationException($"{Id} is running already");
        var args = new List<string>
        {
            CliAssembly, "node", "--id", Id, "--port", Port.ToString(CultureInfo.InvariantCulture), "--data", DataDirectory,
            "--peers", Peers, "--ip", "127.0.0.1", "--www", "off",
        };
        if (Secret is not null)
            args.AddRange(["--secret", Secret]);
        _process?.Dispose();
        _process = ChildProcess.Start("dotnet", args);
        if (!_process.WaitForOutput("ROUTER bound to", TimeSpan.FromSeconds(20))) // the bridge listens: not before
            throw new InvalidOperationException($"{Id} did not start: {Output}");
        return this;
    }

    /// <summary>SIGTERM and wait for a clean exit (0).</summary>
    public int Stop(TimeSpan? timeout = null)
    {
        if (_process is null || _process.HasExited)
            return _process?.ExitCode ?? 0;
        _process.Signal("TERM");
        if (!_process.WaitForExit(timeout ?? TimeSpan.FromSeconds(5)))
            throw new InvalidOperationException($"{Id} did not stop on SIGTERM: {Output}");
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown at all, as a crash.</summary>
    public void Kill() => _process?.Dispose();

    public void Dispose() => _process?.Dispose();
}
