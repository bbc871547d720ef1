namespace RaftRunner.InteropTests;

/// <summary>Where the repository and zmq-raft's installation are, found from the test assembly's folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string NodeScripts => Path.Combine(Root, "tests", "RaftRunner.InteropTests", "node");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RaftRunner.Actors.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"cannot find the repository root above {AppContext.BaseDirectory}");
    }
}
