using System.Diagnostics;
using System.Globalization;
using RaftRunner.Protocol.MessagePack;
using Xunit.Abstractions;
using static RaftRunner.Protocol.Tests.MessagePack.MessagePackTestHelpers;

namespace RaftRunner.Protocol.Tests.MessagePack;

/// <summary>Reports rough encode/decode throughput on typical zmq-raft payloads (no timing assertions: CI machines vary).</summary>
public sealed class MessagePackThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public void ReportsThroughput()
    {
        var peers = new List<MessagePackValue>();
        for (var i = 0; i < 5; i++)
            peers.Add(MessagePackValue.Array(Str("node-" + i.ToString(CultureInfo.InvariantCulture)), Str($"tcp://10.0.0.{i}:8047")));
        var payloads = new (string Name, MessagePackValue Value)[]
        {
            ("peer list (5)", MessagePackValue.Array(peers)),
            ("transitional config", MessagePackValue.Map(Entry("old", MessagePackValue.Array(peers)), Entry("new", MessagePackValue.Array(peers.Take(3))))),
            ("[offset, size, term]", MessagePackValue.Array(MessagePackValue.From(3_000_000_000L), Int(65536), Int(12))),
            ("error object", MessagePackValue.Map(Entry("name", Str("TypeError")), Entry("message", Str("peers must be an array")))),
        };

        foreach (var (name, value) in payloads)
        {
            var bytes = MessagePackCodec.Encode(value);
            var iterations = Math.Max(1000, 2_000_000 / bytes.Length);
            for (var i = 0; i < iterations; i++) // warm up (tiered JIT)
            {
                MessagePackCodec.Encode(value);
                MessagePackCodec.TryDecode(bytes, out _, out _, out _);
            }

            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
                MessagePackCodec.Encode(value);
            var encodeSeconds = stopwatch.Elapsed.TotalSeconds;

            stopwatch.Restart();
            for (var i = 0; i < iterations; i++)
                MessagePackCodec.TryDecode(bytes, out _, out _, out _);
            var decodeSeconds = stopwatch.Elapsed.TotalSeconds;

            var megabytes = (double)bytes.Length * iterations / 1e6;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} ({bytes.Length} B): encode {megabytes / encodeSeconds:F0} MB/s ({encodeSeconds / iterations * 1e9:F0} ns), " +
                $"decode {megabytes / decodeSeconds:F0} MB/s ({decodeSeconds / iterations * 1e9:F0} ns)"));
            Assert.Equal(value, MessagePackCodec.Decode(bytes));
        }
    }
}
