namespace RaftRunner.InteropTests;

/// <summary>
/// zmq-raft 0.5.0 installed by tests/vectors/install-zmq-raft.sh into the git-ignored .zmq-raft folder,
/// once per test run (the script is idempotent and quick when it is already there).
/// </summary>
public sealed class ZmqRaftInstallation
{
    public ZmqRaftInstallation()
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "vectors", "install-zmq-raft.sh");
        var result = ChildProcess.Run("bash", [script], TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"installing zmq-raft failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput}");
        PackagePath = result.StandardOutput.Trim().Split('\n')[^1];
    }

    /// <summary>node_modules/zmq-raft.</summary>
    public string PackagePath { get; }

    public string ServerScript => Path.Combine(PackagePath, "bin", "zmq-raft.js");
}
