using System.Buffers.Binary;
using System.Text.Json;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Requests;

namespace RaftRunner.Raft.Tests.Requests;

/// <summary>
/// Replays every trace in tests/vectors/requestentries/traces.json: zmq-raft 0.5.0's own requestEntriesHandler,
/// driven over a real FileLog by generate.js beside it, answered each request of the trace with exactly the
/// recorded responses and left the recorded number of streams open. EntriesStreamServer must do the same, step
/// by step, over a log built to the same entry sizes.
/// </summary>
public sealed class EntriesStreamTraceTests
{
    private const uint RequestIdValue = 7;
    private static readonly EntriesStreamKey Key = EntriesStreamKey.Of("client"u8, RequestIdValue);

    public static TheoryData<string> TraceNames => [.. Traces.All.Select(t => t.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(TraceNames))]
    public void Every_response_is_the_one_zmq_raft_gave(string name)
    {
        var trace = Traces.Named(name);
        var snapshot = new byte[trace.GetProperty("snapshot") is { ValueKind: JsonValueKind.Object } s ? s.GetProperty("size").GetInt32() : 0];
        var log = BuildLog(trace, snapshot);
        var server = new EntriesStreamServer(Traces.Options(trace.GetProperty("capacity").GetInt32()));
        var lastApplied = trace.GetProperty("lastApplied").GetInt64();

        var number = 0;
        foreach (var step in trace.GetProperty("steps").EnumerateArray())
        {
            var r = step.GetProperty("request");
            var request = new RequestEntriesRequest(RequestIdValue, r[0].GetUInt64(), Optional(r[1]), Optional(r[2]));
            // The clock stands still, as zmq-raft's did while the trace was recorded, so no stream expires.
            var responses = server.Handle(Key, request, log, lastApplied, isLeader: true, leaderId: null, nowMs: 0);

            // Compared as text so that a failure names the step, the request and both answers.
            var context = $"step {number++}, request {r.GetRawText()}";
            var expected = string.Join(",", step.GetProperty("responses").EnumerateArray().Select(e => $"[{string.Join(",", e.EnumerateArray().Select(n => n.GetUInt64()))}]"));
            Assert.Equal($"{context}: [{expected}] active {step.GetProperty("active").GetInt32()}",
                $"{context}: [{string.Join(",", responses.Select(AsRecorded))}] active {server.ActiveStreams}");

            // The trace holds only the shape of each response; the bytes must be the log's and the snapshot's.
            foreach (var response in responses)
                AssertContent(response, log, snapshot, context);
        }
    }

    /// <summary>As generate.js records a response: [status, lastIndex, entry count], a chunk as [3, lastIndex, offset, total size, term, length].</summary>
    private static string AsRecorded(RequestEntriesResponse r) =>
        r.Snapshot is { } info
            ? $"[{(int)r.Status},{r.LastIndex},{info.Offset},{info.TotalSize},{info.Term},{r.Chunk.Length}]"
            : $"[{(int)r.Status},{r.LastIndex},{r.Entries.Count}]";

    private static void AssertContent(RequestEntriesResponse response, InMemoryRaftLog log, byte[] snapshot, string context)
    {
        if (response.Snapshot is { } info)
        {
            var expected = snapshot.AsSpan((int)info.Offset, response.Chunk.Length);
            Assert.True(expected.SequenceEqual(response.Chunk.Span), $"{context}: the chunk at {info.Offset} differs from the snapshot");
        }
        else if (response.Entries.Count > 0)
        {
            var last = (long)response.LastIndex!.Value;
            var expected = log.Entries(last - response.Entries.Count + 1, last);
            Assert.True(expected.SequenceEqual(response.Entries), $"{context}: the entries up to {last} differ from the log");
        }
    }

    /// <summary>The log generate.js wrote: state entries of term 1, entry i (from 0) with request id i + 1 and data bytes i &amp; 255.</summary>
    private static InMemoryRaftLog BuildLog(JsonElement trace, byte[] snapshot)
    {
        var entries = trace.GetProperty("sizes").EnumerateArray().Select((size, i) =>
        {
            Span<byte> requestId = stackalloc byte[RequestId.Length];
            BinaryPrimitives.WriteUInt32BigEndian(requestId[8..], (uint)(i + 1));
            var data = new byte[size.GetInt32() - LogEntry.HeaderSize];
            Array.Fill(data, (byte)(i & 255));
            return LogEntry.Create(RequestId.FromBytes(requestId), LogEntryType.State, 1, data);
        }).ToList();
        var log = new InMemoryRaftLog();
        log.Write(0, entries);
        if (trace.GetProperty("snapshot") is { ValueKind: JsonValueKind.Object } s)
        {
            Array.Fill(snapshot, (byte)7);
            log.InstallSnapshot(s.GetProperty("index").GetInt64(), s.GetProperty("term").GetUInt64(), snapshot); // a compaction: the entries after it stay
        }
        return log;
    }

    private static ulong? Optional(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetUInt64();

    /// <summary>tests/vectors/requestentries/traces.json, copied next to the test assembly.</summary>
    private static class Traces
    {
        private static readonly Lazy<JsonDocument> Document = new(() =>
            JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "requestentries", "traces.json"))));

        private static readonly Lazy<Dictionary<string, JsonElement>> ByName = new(() =>
            All.ToDictionary(t => t.GetProperty("name").GetString()!, StringComparer.Ordinal));

        public static IEnumerable<JsonElement> All => Document.Value.RootElement.GetProperty("traces").EnumerateArray();

        public static JsonElement Named(string name) => ByName.Value[name];

        /// <summary>The settings zmq-raft ran with; only the index file capacity differs between traces.</summary>
        public static EntriesStreamOptions Options(int indexFileCapacity)
        {
            var o = Document.Value.RootElement.GetProperty("options");
            return new EntriesStreamOptions
            {
                Pipelines = o.GetProperty("pipelines").GetInt32(),
                SnapshotPipelines = o.GetProperty("snapshotPipelines").GetInt32(),
                EntrySizeLimitPipeline = o.GetProperty("entrySizeLimitPipeline").GetInt32(),
                HighWatermark = o.GetProperty("highWatermark").GetInt32(),
                TtlMs = o.GetProperty("ttlMs").GetInt64(),
                IndexFileCapacity = indexFileCapacity,
            };
        }
    }
}
