using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RaftRunner.Actors.TestKit;
using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using Xunit.Abstractions;
using static RaftRunner.Node.Tests.Bridge.BridgeTesting;

namespace RaftRunner.Node.Tests.Bridge;

/// <summary>
/// zmq-raft's own client against a bridge whose node (a probe) answers. zmq-raft is installed first when it is
/// missing (tests/vectors/install-zmq-raft.sh, which <c>./build.sh --target=Test</c> also runs). The full
/// interop suite is tests/RaftRunner.InteropTests.
/// </summary>
public sealed class ZmqRaftClientInteropTests : TestKit
{
    private readonly ITestOutputHelper _output;

    public ZmqRaftClientInteropTests(ITestOutputHelper output) : base(output: output) => _output = output;

    [Fact]
    public void ZmqRaftClient_reads_the_config_and_log_info_answered_through_the_bridge()
    {
        var root = RepositoryRoot();
        var script = Path.Combine(root, "tests", "RaftRunner.Node.Tests", "Bridge", "node", "zmq-raft-client.js");
        if (!Directory.Exists(Path.Combine(root, ".zmq-raft", "node_modules", "zmq-raft")))
        {
            // Installs zmq-raft as the Test target does (idempotent, seconds when present): never pass unchecked.
            using var install = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "tests", "vectors", "install-zmq-raft.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            Assert.True(install.WaitForExit(TimeSpan.FromMinutes(5)) && install.ExitCode == 0, "installing zmq-raft (tests/vectors/install-zmq-raft.sh) failed");
        }
        Assert.True(File.Exists(script), $"{script} is missing");
        var port = FreePort();
        var url = Url(port);
        var probe = CreateTestProbe();
        var bridge = Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", port), probe));

        using var node = Process.Start(new ProcessStartInfo("node", [script, url, Encoding.UTF8.GetString(Secret)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        node.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        node.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        try
        {
            var clock = Stopwatch.StartNew();
            while (!node.HasExited && clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                foreach (var received in probe.ReceiveWhile(m => m as ClientRequestReceived, max: TimeSpan.FromMilliseconds(100)))
                {
                    object answer = received.Request switch
                    {
                        RequestConfigRequest r => new RequestConfigResponse(r.RequestId, true, "A", [new PeerInfo("A", url)]),
                        RequestLogInfoRequest r => new RequestLogInfoResponse(r.RequestId, true, "A", 3, 1, 5, 6, 7, 0, 0),
                        var other => throw new Xunit.Sdk.XunitException($"unexpected request {other}"),
                    };
                    bridge.Tell(new ReplyToClient(received.Envelope, answer));
                }
            }
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(5)), "the zmq-raft client did not finish");
            node.WaitForExit(); // returns at once now, after the output has been read to its end
        }
        finally
        {
            if (!node.HasExited)
                node.Kill(entireProcessTree: true);
        }
        var text = Read(stdout).Trim();
        Assert.True(node.ExitCode == 0, $"zmq-raft-client.js exited with {node.ExitCode}: {text} {Read(stderr)}");

        using var result = JsonDocument.Parse(text.Split('\n')[^1]);
        var config = result.RootElement.GetProperty("config");
        Assert.Equal("A", config.GetProperty("leaderId").GetString());
        Assert.True(config.GetProperty("isLeader").GetBoolean());
        Assert.Equal(url, config.GetProperty("peers")[0][1].GetString());
        var info = result.RootElement.GetProperty("logInfo");
        Assert.Equal(3, info.GetProperty("currentTerm").GetInt32());
        Assert.Equal(6, info.GetProperty("commitIndex").GetInt32());
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
            return;
        lock (text)
            text.AppendLine(line);
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
            return text.ToString();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RaftRunner.Actors.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"cannot find the repository root above {AppContext.BaseDirectory}");
    }
}
