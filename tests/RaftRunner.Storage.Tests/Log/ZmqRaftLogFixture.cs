using System.Diagnostics;
using System.Text;

namespace RaftRunner.Storage.Tests.Log;

/// <summary>
/// Installs the reference zmq-raft (tests/vectors/install-zmq-raft.sh, idempotent) once per test class and runs
/// node scripts with a bounded time, killing the process tree on timeout.
/// </summary>
public sealed class ZmqRaftLogFixture
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(90);

    public ZmqRaftLogFixture()
    {
        RepoRoot = FindRepoRoot();
        NodeScripts = Path.Combine(RepoRoot, "tests", "RaftRunner.Storage.Tests", "node");
        var (code, stdout, stderr) = Run("bash", [Path.Combine(RepoRoot, "tests", "vectors", "install-zmq-raft.sh")], InstallTimeout);
        if (code != 0)
            throw new InvalidOperationException($"install-zmq-raft.sh failed ({code}): {stderr}");
        PackagePath = stdout.Trim().Split('\n')[^1].Trim();
        if (!File.Exists(Path.Combine(PackagePath, "package.json")))
            throw new InvalidOperationException($"zmq-raft not found at '{PackagePath}'");
    }

    public string RepoRoot { get; }

    public string NodeScripts { get; }

    /// <summary>.../node_modules/zmq-raft</summary>
    public string PackagePath { get; }

    public string ZrTool => Path.Combine(PackagePath, "bin", "zr-tool.js");

    /// <summary>Runs node with the arguments; throws with stderr on a non-zero exit; returns stdout.</summary>
    public string Node(params string[] args) => NodeIn(null, args);

    /// <summary>As <see cref="Node"/>, in the working directory <paramref name="workingDirectory"/>.</summary>
    public string NodeIn(string? workingDirectory, params string[] args)
    {
        var (code, stdout, stderr) = Run("node", args, NodeTimeout, workingDirectory);
        if (code != 0)
            throw new InvalidOperationException($"node {string.Join(' ', args)} exited with {code}: {stderr}{stdout}");
        return stdout;
    }

    public string Script(string name) => Path.Combine(NodeScripts, name);

    private static (int Code, string Stdout, string Stderr) Run(string fileName, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
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
            catch (InvalidOperationException)
            {
            }
            process.WaitForExit();
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "tests", "vectors", "install-zmq-raft.sh")))
                return dir.FullName;
        throw new InvalidOperationException("repository root (with tests/vectors/install-zmq-raft.sh) not found above " + AppContext.BaseDirectory);
    }
}
