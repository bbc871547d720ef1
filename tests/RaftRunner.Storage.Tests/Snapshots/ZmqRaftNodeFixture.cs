using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace RaftRunner.Storage.Tests.Snapshots;

/// <summary>
/// zmq-raft 0.5.0, installed once per test run by tests/vectors/install-zmq-raft.sh (idempotent; it prints the
/// package path), and a way to run the node scripts of tests/RaftRunner.Storage.Tests/node with a bounded time:
/// a script still running at its deadline is killed with its whole process tree.
/// </summary>
public sealed class ZmqRaftNodeFixture
{
    private static readonly Lazy<string> Installation = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public ZmqRaftNodeFixture()
    {
        PackagePath = Installation.Value;
    }

    /// <summary>The repository root (where tests/vectors/install-zmq-raft.sh is).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>.zmq-raft/node_modules/zmq-raft.</summary>
    public string PackagePath { get; }

    public static string ScriptsDirectory => Path.Combine(RepositoryRoot, "tests", "RaftRunner.Storage.Tests", "node");

    public string ZrTool => Path.Combine(PackagePath, "bin", "zr-tool.js");

    /// <summary>Runs one of our node scripts; it must succeed.</summary>
    public string RunScript(string script, params string[] args) =>
        Run("node", [Path.Combine(ScriptsDirectory, script), .. args], DefaultTimeout).EnsureSuccess().StandardOutput;

    /// <summary>Runs one of our node scripts and parses the JSON it prints.</summary>
    public JsonElement RunScriptJson(string script, params string[] args)
    {
        var output = RunScript(script, args);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    /// <summary>Runs zmq-raft's bin/zr-tool.js.</summary>
    public NodeResult RunZrTool(params string[] args) => Run("node", [ZrTool, .. args], DefaultTimeout);

    public static NodeResult Run(string fileName, IReadOnlyList<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
            StandardOutputEncoding = Encoding.Latin1,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException) { }
            process.WaitForExit(5000);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s and was killed");
        }
        process.WaitForExit();
        var outBytes = Encoding.Latin1.GetBytes(stdout.GetAwaiter().GetResult());
        return new NodeResult($"{fileName} {string.Join(' ', args)}", process.ExitCode, outBytes, stderr.GetAwaiter().GetResult());
    }

    private static string Install()
    {
        var script = Path.Combine(RepositoryRoot, "tests", "vectors", "install-zmq-raft.sh");
        var result = Run("bash", [script], TimeSpan.FromMinutes(10)).EnsureSuccess();
        var path = result.StandardOutput.Trim().Split('\n')[^1].Trim();
        if (!Directory.Exists(path))
            throw new InvalidOperationException($"install-zmq-raft.sh printed '{path}', which is not a directory");
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tests", "vectors", "install-zmq-raft.sh")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"cannot find the repository root above {AppContext.BaseDirectory}");
    }
}

/// <summary>What a child process did; standard output is kept as raw bytes (snapshot dumps are binary).</summary>
public sealed record NodeResult(string CommandLine, int ExitCode, byte[] Output, string StandardError)
{
    public string StandardOutput => Encoding.UTF8.GetString(Output);

    public NodeResult EnsureSuccess() => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"{CommandLine} exited with {ExitCode}: {StandardError}{StandardOutput}");
}
