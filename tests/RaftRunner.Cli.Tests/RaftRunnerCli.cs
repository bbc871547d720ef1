using System.Globalization;

namespace RaftRunner.Cli.Tests;

/// <summary>The raft-runner command (built next to the tests: the project references src/RaftRunner.Cli), run as a process.</summary>
internal static class RaftRunnerCli
{
    public static string Assembly { get; } = Path.Combine(AppContext.BaseDirectory, "raft-runner.dll");

    /// <summary>Runs raft-runner to completion (killed after <paramref name="timeout"/>, 30 s by default).</summary>
    public static CliResult Run(IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var list = args.ToList();
        var (exit, stdout, stderr) = ChildProcess.Run("dotnet", [Assembly, .. list], timeout ?? TimeSpan.FromSeconds(30));
        return new CliResult(list, exit, stdout, stderr);
    }

    public static CliResult Run(params string[] args) => Run((IEnumerable<string>)args);

    /// <summary>Whether <see cref="RunAsNobody"/> can work here: as root, with setpriv (permission checks bind only other users).</summary>
    public static bool CanRunAsNobody { get; } = Environment.UserName == "root" && File.Exists("/usr/bin/setpriv");

    /// <summary>Runs raft-runner as the user nobody (setpriv), for permission cases root would not see.</summary>
    public static CliResult RunAsNobody(IEnumerable<string> args)
    {
        var list = args.ToList();
        var (exit, stdout, stderr) = ChildProcess.Run("setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", Assembly, .. list],
            TimeSpan.FromSeconds(30));
        return new CliResult(list, exit, stdout, stderr);
    }

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}

internal sealed record CliResult(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The contract for a bad argument: exit code 2, exactly one line on stderr naming it, no stack trace.</summary>
    public void AssertBadArgument(string named)
    {
        Assert.True(ExitCode == 2, $"exit code {ExitCode}, expected 2\n{this}");
        var lines = StderrLines;
        Assert.True(lines.Length == 1, $"{lines.Length} lines on stderr, expected 1\n{this}");
        Assert.StartsWith("raft-runner: ", lines[0], StringComparison.Ordinal);
        Assert.True(lines[0].Contains(named, StringComparison.Ordinal), $"the error does not name '{named}'\n{this}");
        AssertNoStackTrace();
    }

    public void AssertNoStackTrace()
    {
        foreach (var text in new[] { Stdout, Stderr })
        {
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain("--- End of", text, StringComparison.Ordinal);
        }
    }

    public void AssertOk()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}, expected 0\n{this}");
        AssertNoStackTrace();
    }

    public override string ToString() =>
        $"raft-runner {string.Join(' ', Args)}\n--- exit {ExitCode}\n--- stdout\n{Tail(Stdout)}\n--- stderr\n{Tail(Stderr)}";

    private static string Tail(string text) => text.Length > 4000 ? "…" + text[^4000..] : text;
}

/// <summary>What a directory holds — every entry's relative path, kind, size and modification time — to prove that a command left it alone.</summary>
internal sealed record DirectoryState(IReadOnlyList<string> Entries)
{
    public static DirectoryState Of(string directory)
    {
        if (!Directory.Exists(directory))
            return new DirectoryState(File.Exists(directory) ? [Describe(new FileInfo(directory), directory)] : ["(absent)"]);
        var root = new DirectoryInfo(directory);
        var entries = new List<string> { $". dir {root.LastWriteTimeUtc.Ticks}" };
        entries.AddRange(root.EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Select(e => Describe(e, directory)));
        entries.Sort(StringComparer.Ordinal);
        return new DirectoryState(entries);
    }

    private static string Describe(FileSystemInfo entry, string root) => entry is FileInfo file
        ? $"{Path.GetRelativePath(root, file.FullName)} file {file.Length} {file.LastWriteTimeUtc.Ticks}"
        : $"{Path.GetRelativePath(root, entry.FullName)} dir {entry.LastWriteTimeUtc.Ticks}";

    public void AssertSame(DirectoryState after, string what)
    {
        Assert.True(Entries.SequenceEqual(after.Entries), $"{what} changed:\nbefore:\n  {string.Join("\n  ", Entries)}\nafter:\n  {string.Join("\n  ", after.Entries)}");
    }

    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}

/// <summary>A scratch directory under the system's temp directory, removed with everything in it.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(Path, "*", SearchOption.AllDirectories).Prepend(Path))
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: the temp directory is scratch
        }
    }
}
