using System.Net;
using System.Net.Sockets;

namespace RaftRunner.Cli.Tests;

/// <summary>raft-runner demo with --exit: the whole job runs, ends with equal states, and leaves nothing listening.</summary>
public sealed class DemoTests
{
    [Fact]
    public void The_demo_writes_fails_over_and_ends_with_every_node_in_the_same_state_leaving_no_port_open()
    {
        var basePort = FreeBase();
        var data = Path.Combine(Path.GetTempPath(), "rr-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = RaftRunnerCli.Run(["demo", "--writes", "200", "--exit", "--base-port", basePort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data], TimeSpan.FromSeconds(120));
            Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}\n{result.Stdout}");
            Assert.Contains("every node holds the same state.", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("leads after", result.Stdout, StringComparison.Ordinal);
            Assert.All(Ports(basePort), port => Assert.True(IsFree(port), $"port {port} is still in use after the demo"));
        }
        finally
        {
            if (Directory.Exists(data))
                Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void A_bad_demo_argument_is_one_line_and_exit_2() =>
        RaftRunnerCli.Run("demo", "--writes", "0").AssertBadArgument("--writes");

    private static IEnumerable<int> Ports(int basePort) => Enumerable.Range(0, 3).SelectMany(i => Enumerable.Range(basePort + 10 * i, 3));

    /// <summary>A base port whose nine demo ports are free now (searched in a range tests use for nothing else).</summary>
    private static int FreeBase()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = 31000 + Random.Shared.Next(0, 300) * 100 + 1;
            if (Ports(candidate).All(IsFree))
                return candidate;
        }
        throw new InvalidOperationException("no free range of demo ports found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
