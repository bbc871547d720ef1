using System.Net;
using System.Net.Sockets;

namespace RaftRunner.Cli.Tests;

/// <summary>A real data directory, written by a one-node cluster that ran and stopped, for the tests to copy.</summary>
public sealed class SeedDataDirectory : IDisposable
{
    private readonly ScratchDirectory _scratch = new("rr-cli-seed");

    public SeedDataDirectory()
    {
        var ports = FreePort.Distinct(2);
        Path = _scratch.Combine("n1");
        var url = $"tcp://127.0.0.1:{RaftRunnerCli.Port(ports[0])}";
        using (var node = NodeProcess.Start("n1", ports[0], ports[1], Path, $"n1={url}"))
        {
            var wrote = RaftRunnerCli.Run(["bench", "--peers", url, "--total", "20", "--concurrency", "2", "--size", "10", "--timeout", "10"]);
            wrote.AssertOk();
            Assert.Equal(0, node.Stop());
        }
        Assert.True(File.Exists(System.IO.Path.Combine(Path, "raft.pers")));
    }

    public string Path { get; }

    public void Dispose() => _scratch.Dispose();
}

/// <summary>
/// <c>raft-runner node</c> with one bad argument at a time: exit code 2, one line on stderr naming the problem, no
/// stack trace — and nothing written: an existing data directory keeps every file's name, size and time, and a new
/// one is not created.
/// </summary>
public sealed class NodeBadArgumentTests(SeedDataDirectory seed) : IClassFixture<SeedDataDirectory>, IDisposable
{
    private readonly ScratchDirectory _scratch = new("rr-cli-node");

    public void Dispose() => _scratch.Dispose();

    /// <summary>Each case: a change to good node arguments (DATA and PORT stand for the data directory and a free port), and what the error must name.</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { "port zero", "--port 0", "--port" },
        { "port above 65535", "--port 70000", "--port" },
        { "port not a number", "--port eighty", "--port" },
        { "peers unparseable", "--peers nonsense", "--peers" },
        { "peers JSON without url", "--peers [{\"id\":\"n1\"}]", "--peers" },
        { "peers not tcp", "--peers n1=http://127.0.0.1:1", "tcp://" },
        { "peer id twice", "--peers n1=tcp://127.0.0.1:1,n1=tcp://127.0.0.1:2", "twice" },
        { "www not a port", "--www maybe", "--www" },
        { "config file missing", "--config /nonexistent/raft-runner.conf", "--config" },
        { "unknown option", "--frobnicate yes", "--frobnicate" },
        { "log level unknown", "--log-level loud", "--log-level" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_argument_is_one_line_exit_2_and_an_existing_data_directory_is_untouched(string name, string change, string named)
    {
        var data = CopySeed();
        var before = DirectoryState.Of(data);
        RunNode(data, change).AssertBadArgument(named);
        before.AssertSame(DirectoryState.Of(data), $"the data directory ({name})");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_argument_creates_no_data_directory(string name, string change, string named)
    {
        var data = _scratch.Combine("new", "n1");
        RunNode(data, change).AssertBadArgument(named);
        Assert.False(Directory.Exists(_scratch.Combine("new")), $"{name}: {_scratch.Combine("new")} was created");
    }

    [Fact]
    public void An_unparseable_config_file_is_named()
    {
        var data = CopySeed();
        var before = DirectoryState.Of(data);
        var config = _scratch.Combine("bad.conf");
        File.WriteAllText(config, "raft-runner { node { port = \n");
        RunNode(data, $"--config {config}").AssertBadArgument("bad.conf");
        before.AssertSame(DirectoryState.Of(data), "the data directory");
    }

    [Fact]
    public void A_missing_required_option_is_named()
    {
        var result = RaftRunnerCli.Run(["node", "--id", "n1", "--data", _scratch.Combine("n1"), "--peers", "n1=tcp://127.0.0.1:1"]);
        result.AssertBadArgument("--port");
        Assert.False(Directory.Exists(_scratch.Combine("n1")));
    }

    [Fact]
    public void A_port_in_use_is_named_before_anything_is_written()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var data = CopySeed();
        var before = DirectoryState.Of(data);
        RunNode(data, $"--port {RaftRunnerCli.Port(taken)}").AssertBadArgument("in use");
        before.AssertSame(DirectoryState.Of(data), "the data directory");
        var fresh = _scratch.Combine("fresh");
        RunNode(fresh, $"--port {RaftRunnerCli.Port(taken)}").AssertBadArgument("--port");
        Assert.False(Directory.Exists(fresh));
    }

    [Fact]
    public void A_web_monitor_port_in_use_is_named_before_anything_is_written()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var data = CopySeed();
        var before = DirectoryState.Of(data);
        RunNode(data, $"--www {RaftRunnerCli.Port(taken)}").AssertBadArgument("--www");
        before.AssertSame(DirectoryState.Of(data), "the data directory");
    }

    [Fact]
    public void A_pub_port_in_use_is_named_before_anything_is_written()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var data = CopySeed();
        var before = DirectoryState.Of(data);
        RunNode(data, $"--pub {RaftRunnerCli.Port(taken)}").AssertBadArgument("--pub");
        before.AssertSame(DirectoryState.Of(data), "the data directory");
    }

    [Fact]
    public void A_data_path_that_is_a_file_is_named_and_left_alone()
    {
        var file = _scratch.Combine("a-file");
        File.WriteAllText(file, "not a directory");
        var before = DirectoryState.Of(file);
        RunNode(file, "").AssertBadArgument("is a file");
        before.AssertSame(DirectoryState.Of(file), "the file");
    }

    [Fact]
    public void A_data_path_that_cannot_be_created_is_named()
    {
        var file = _scratch.Combine("a-file");
        File.WriteAllText(file, "not a directory");
        RunNode(Path.Combine(file, "n1"), "").AssertBadArgument("cannot be created");
        Assert.Equal("not a directory", File.ReadAllText(file));
    }

    [Fact]
    public void An_unreadable_or_unwritable_data_path_is_named()
    {
        if (!RaftRunnerCli.CanRunAsNobody)
            return; // permissions bind only other users than root; this runs where the tests run as root with setpriv
        var locked = _scratch.Combine("locked");
        DirectoryState.Copy(seed.Path, locked);
        var before = DirectoryState.Of(locked);
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            RaftRunnerCli.RunAsNobody(NodeArgs(locked, "")).AssertBadArgument("cannot be read");
            RaftRunnerCli.RunAsNobody(NodeArgs(Path.Combine(locked, "n1"), "")).AssertBadArgument("cannot be created");
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            RaftRunnerCli.RunAsNobody(NodeArgs(locked, "")).AssertBadArgument("cannot be written");
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        before.AssertSame(DirectoryState.Of(locked), "the data directory");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("nodes")]
    public void An_unknown_command_is_named(string command)
    {
        var result = RaftRunnerCli.Run([command, "--id", "n1"]);
        result.AssertBadArgument(command);
    }

    [Fact]
    public void No_command_at_all_is_one_line_naming_the_commands()
    {
        RaftRunnerCli.Run().AssertBadArgument("node");
    }

    private string CopySeed()
    {
        var copy = _scratch.Combine("data-" + Guid.NewGuid().ToString("N")[..8]);
        DirectoryState.Copy(seed.Path, copy);
        return copy;
    }

    private static CliResult RunNode(string data, string change) => RaftRunnerCli.Run(NodeArgs(data, change), TimeSpan.FromSeconds(20));

    /// <summary>Good arguments for a one-node cluster on a free port, with <paramref name="change"/> applied ("--opt value" replaces or adds).</summary>
    private static List<string> NodeArgs(string data, string change)
    {
        var ports = FreePort.Distinct(2);
        var args = new List<(string Option, string? Value)>
        {
            ("--id", "n1"), ("--port", RaftRunnerCli.Port(ports[0])), ("--pub", RaftRunnerCli.Port(ports[1])), ("--data", data),
            ("--peers", $"n1=tcp://127.0.0.1:{RaftRunnerCli.Port(ports[0])}"), ("--www", "off"),
        };
        if (change.Length > 0)
        {
            var parts = change.Split(' ', 2);
            var at = args.FindIndex(a => a.Option == parts[0]);
            if (at >= 0)
                args[at] = (parts[0], parts.Length > 1 ? parts[1] : null);
            else
                args.Add((parts[0], parts.Length > 1 ? parts[1] : null));
        }
        var list = new List<string> { "node" };
        foreach (var (option, value) in args)
        {
            list.Add(option);
            if (value is not null)
                list.Add(value);
        }
        return list;
    }
}
