using System.Collections.Concurrent;
using System.Globalization;
using RaftRunner.Actors.TestKit;
using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.ZeroMq;
using Xunit.Abstractions;
using static RaftRunner.Node.Tests.Bridge.BridgeTesting;

namespace RaftRunner.Node.Tests.Bridge;

/// <summary>What the bridge logs about what it drops: enough to find the sender, never enough to fill a disk.</summary>
public sealed class ZmqBridgeActorLoggingTests : TestKit
{
    private readonly CapturingOutput _output;

    public ZmqBridgeActorLoggingTests(ITestOutputHelper output) : this(new CapturingOutput(output)) { }

    private ZmqBridgeActorLoggingTests(CapturingOutput output) : base(output: output) => _output = output;

    [Fact]
    public void A_flood_of_malformed_or_unauthenticated_messages_logs_a_few_lines_naming_the_protocol_error()
    {
        using var context = new ZmqContext();
        var port = FreePort();
        var probe = CreateTestProbe();
        Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", port), probe));
        using var client = DealerTo(context, port);

        for (var i = 0; i < 500; i++)
        {
            client.SendMultipart([new byte[] { 1 }, MessageTypes.Frame(MessageTypes.RequestVote), Secret]);
            client.SendMultipart(new RequestConfigRequest(1).Encode("wrong"u8.ToArray()));
        }
        client.SendMultipart(new RequestConfigRequest(2).Encode(Secret));
        Assert.Equal(new RequestConfigRequest(2), probe.ExpectMsg<ClientRequestReceived>(Patience).Request);

        var malformed = _output.Lines.Where(l => l.Contains("Dropped a malformed message", StringComparison.Ordinal)).ToList();
        Assert.InRange(malformed.Count, 1, 10);
        Assert.Contains("RequestVote request: expected at least 7 frames but got 3", malformed[0], StringComparison.Ordinal);
        Assert.InRange(_output.Lines.Count(l => l.Contains("secret frame does not match", StringComparison.Ordinal)), 1, 10);
    }

    /// <summary>Passes the test's log lines on to xunit and keeps them for assertions.</summary>
    private sealed class CapturingOutput(ITestOutputHelper inner) : ITestOutputHelper
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public void WriteLine(string message)
        {
            _lines.Enqueue(message);
            inner.WriteLine(message);
        }

        public void WriteLine(string format, params object[] args) => WriteLine(string.Format(CultureInfo.InvariantCulture, format, args));
    }
}
