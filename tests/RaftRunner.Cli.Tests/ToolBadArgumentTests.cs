namespace RaftRunner.Cli.Tests;

/// <summary>config, bench and log with one bad argument at a time: exit code 2, one line naming it, no stack trace, nothing written.</summary>
public sealed class ToolBadArgumentTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("rr-cli-tools");

    public void Dispose() => _scratch.Dispose();

    public static TheoryData<string, string> ClusterCases => new()
    {
        { "config show", "--peers" },
        { "config show --peers nonsense", "--peers" },
        { "config show --peers a=http://127.0.0.1:1", "--peers" },
        { "config show --peers tcp://127.0.0.1:99999", "--peers" },
        { "config show --peers tcp://127.0.0.1:1 --timeout 0", "--timeout" },
        { "config show --peers tcp://127.0.0.1:1 --timeout soon", "--timeout" },
        { "config frobnicate --peers tcp://127.0.0.1:1", "frobnicate" },
        { "config --peers tcp://127.0.0.1:1", "show, add, remove" },
        { "config add n4 --peers tcp://127.0.0.1:1", "ID=tcp://" },
        { "config add n4=http://127.0.0.1:1 --peers tcp://127.0.0.1:1", "ID=tcp://" },
        { "config add --peers tcp://127.0.0.1:1", "id=url" },
        { "config remove --peers tcp://127.0.0.1:1", "id" },
        { "config show --peers tcp://127.0.0.1:1 --verbose", "--verbose" },
        { "bench --total 10", "--peers" },
        { "bench --peers tcp://127.0.0.1:1 --total 0", "--total" },
        { "bench --peers tcp://127.0.0.1:1 --total many", "--total" },
        { "bench --peers tcp://127.0.0.1:1 --concurrency 0", "--concurrency" },
        { "bench --peers tcp://127.0.0.1:1 --concurrency x", "--concurrency" },
        { "bench --peers tcp://127.0.0.1:1 --size -1", "--size" },
        { "bench --peers tcp://127.0.0.1:1 --size 99999999", "--size" },
        { "bench --peers tcp://127.0.0.1:1 --warmup -5", "--warmup" },
        { "bench --peers tcp://127.0.0.1:1 --concurrency 2 --clients 3", "--clients" },
        { "bench --peers tcp://127.0.0.1:1 --log-level chatty", "--log-level" },
        { "log", "inspect, dump" },
        { "log inspect", "dir" },
        { "log frobnicate", "frobnicate" },
    };

    [Theory]
    [MemberData(nameof(ClusterCases))]
    public void A_bad_argument_is_one_line_and_exit_2(string command, string named)
    {
        RaftRunnerCli.Run(command.Split(' ')).AssertBadArgument(named);
    }

    [Theory]
    [InlineData("config show")]
    [InlineData("config add n4=tcp://127.0.0.1:2")]
    [InlineData("config remove n2")]
    [InlineData("bench --total 10")]
    public void Nothing_answering_is_one_line_naming_peers_and_secret_after_a_bounded_wait(string command)
    {
        var port = FreePort.Next();
        var result = RaftRunnerCli.Run([.. command.Split(' '), "--peers", $"tcp://127.0.0.1:{RaftRunnerCli.Port(port)}", "--secret", "s", "--timeout", "1"]);
        result.AssertBadArgument("no peer answered with secret 's' within 1 s");
        Assert.Contains("check --peers and --secret", result.StderrLines[0], StringComparison.Ordinal);
        Assert.Contains("nothing accepts connections", result.StderrLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Log_inspect_and_dump_name_a_missing_directory()
    {
        var missing = _scratch.Combine("missing");
        RaftRunnerCli.Run("log", "inspect", missing).AssertBadArgument("does not exist");
        RaftRunnerCli.Run("log", "dump", missing).AssertBadArgument("does not exist");
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Log_inspect_and_dump_name_a_file()
    {
        var file = _scratch.Combine("file");
        File.WriteAllText(file, "x");
        var before = DirectoryState.Of(file);
        RaftRunnerCli.Run("log", "inspect", file).AssertBadArgument("is a file");
        RaftRunnerCli.Run("log", "dump", file).AssertBadArgument("is a file");
        before.AssertSame(DirectoryState.Of(file), "the file");
    }

    [Fact]
    public void Log_inspect_and_dump_refuse_a_directory_that_holds_no_data_and_create_nothing_in_it()
    {
        var dir = _scratch.Combine("not-data");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "hello");
        var before = DirectoryState.Of(dir);
        RaftRunnerCli.Run("log", "inspect", dir).AssertBadArgument("not a data directory");
        RaftRunnerCli.Run("log", "inspect", dir, "--json").AssertBadArgument("not a data directory");
        RaftRunnerCli.Run("log", "dump", dir).AssertBadArgument("not a data directory");
        before.AssertSame(DirectoryState.Of(dir), "the directory");
    }

    [Fact]
    public void Log_dump_names_a_bad_range()
    {
        var dir = _scratch.Combine("d");
        Directory.CreateDirectory(Path.Combine(dir, "log"));
        RaftRunnerCli.Run("log", "dump", dir, "--from", "5", "--to", "2").AssertBadArgument("--to");
        RaftRunnerCli.Run("log", "dump", dir, "--from", "0").AssertBadArgument("--from");
        RaftRunnerCli.Run("log", "dump", dir, "--from", "abc").AssertBadArgument("--from");
        RaftRunnerCli.Run("log", "inspect", dir, "--request-id-ttl", "1").AssertBadArgument("--request-id-ttl");
    }

    [Fact]
    public void Log_inspect_names_an_unreadable_directory()
    {
        if (!RaftRunnerCli.CanRunAsNobody)
            return; // root reads everything; this runs where the tests run as root with setpriv
        var dir = _scratch.Combine("locked");
        Directory.CreateDirectory(Path.Combine(dir, "log"));
        var before = DirectoryState.Of(dir);
        File.SetUnixFileMode(dir, UnixFileMode.None);
        try
        {
            RaftRunnerCli.RunAsNobody(["log", "inspect", dir]).AssertBadArgument("cannot be read");
        }
        finally
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        before.AssertSame(DirectoryState.Of(dir), "the directory");
    }
}

/// <summary>--help on every command: exit 0, usage on stdout.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("")]
    [InlineData("node")]
    [InlineData("config")]
    [InlineData("config show")]
    [InlineData("config add")]
    [InlineData("config remove")]
    [InlineData("log")]
    [InlineData("log inspect")]
    [InlineData("log dump")]
    [InlineData("bench")]
    public void Every_command_has_help(string command)
    {
        var args = command.Length == 0 ? new List<string>() : command.Split(' ').ToList();
        var result = RaftRunnerCli.Run([.. args, "--help"]);
        result.AssertOk();
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"raft-runner {command}".TrimEnd(), result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--log-level", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", result.Stderr);
    }
}
