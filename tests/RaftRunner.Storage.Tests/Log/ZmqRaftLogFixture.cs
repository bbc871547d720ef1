using RaftRunner.Storage.Tests.Snapshots;

namespace RaftRunner.Storage.Tests.Log;

/// <summary>
/// The log tests' view of the shared zmq-raft fixture (<see cref="ZmqRaftNodeFixture"/>: one installation per
/// test run, node processes with a bounded time): node scripts by name, run in a chosen directory.
/// </summary>
public sealed class ZmqRaftLogFixture
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(90);
    private readonly ZmqRaftNodeFixture _zmqRaft = new();

    public string RepoRoot => ZmqRaftNodeFixture.RepositoryRoot;

    public string NodeScripts => ZmqRaftNodeFixture.ScriptsDirectory;

    /// <summary>.../node_modules/zmq-raft</summary>
    public string PackagePath => _zmqRaft.PackagePath;

    public string ZrTool => _zmqRaft.ZrTool;

    /// <summary>Runs node with the arguments; throws with stderr on a non-zero exit; returns stdout.</summary>
    public string Node(params string[] args) => NodeIn(null, args);

    /// <summary>As <see cref="Node"/>, in the working directory <paramref name="workingDirectory"/>.</summary>
    public string NodeIn(string? workingDirectory, params string[] args) =>
        ZmqRaftNodeFixture.Run("node", args, NodeTimeout, workingDirectory).EnsureSuccess().StandardOutput;

    public string Script(string name) => Path.Combine(NodeScripts, name);
}
