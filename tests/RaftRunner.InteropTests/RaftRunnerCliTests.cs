using System.Diagnostics;

namespace RaftRunner.InteropTests;

/// <summary>The <c>raft-runner node</c> command's contract (DESIGN.md): bad arguments, clean shutdown.</summary>
public sealed class RaftRunnerCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rr-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("--port 70000", "--port")]
    [InlineData("--peers nonsense", "--peers")]
    [InlineData("--peers [{\"id\":1}]", "--peers")]
    [InlineData("--peers a=http://127.0.0.1:1", "tcp://")]
    [InlineData("--peers a=tcp://127.0.0.1:1,a=tcp://127.0.0.1:2", "twice")]
    [InlineData("--www maybe", "--www")]
    [InlineData("--config /nonexistent/file.conf", "--config")]
    public void A_bad_argument_gets_one_line_naming_it_and_exit_code_2(string change, string named)
    {
        var args = new Dictionary<string, string>
        {
            ["--id"] = "n1", ["--port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["--data"] = _dir, ["--peers"] = "n1=tcp://127.0.0.1:1",
        };
        var parts = change.Split(' ', 2);
        args[parts[0]] = parts[1];
        var (exit, stdout, stderr) = ChildProcess.Run("dotnet", [RaftRunnerNodeProcess.CliAssembly, "node", .. args.SelectMany(kv => new[] { kv.Key, kv.Value })], TimeSpan.FromSeconds(30));
        Assert.Equal(2, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(named, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public void A_missing_required_option_is_named()
    {
        var (exit, _, stderr) = ChildProcess.Run("dotnet", [RaftRunnerNodeProcess.CliAssembly, "node", "--id", "n1"], TimeSpan.FromSeconds(30));
        Assert.Equal(2, exit);
        Assert.Contains("--port", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SIGTERM_stops_a_node_cleanly_within_two_seconds_and_it_restarts_on_its_data()
    {
        var port = FreePort.Next();
        var peers = $"n1=tcp://127.0.0.1:{port}";
        using var node = new RaftRunnerNodeProcess("n1", port, _dir, peers).Start();
        Assert.True(File.Exists(Path.Combine(_dir, "raft.pers")) || Directory.Exists(Path.Combine(_dir, "log")));
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, node.Stop(TimeSpan.FromSeconds(5)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
        using var again = new RaftRunnerNodeProcess("n1", port, _dir, peers).Start(); // the port and the data are free again
        Assert.Equal(0, again.Stop());
    }
}
