using System.Text.Json;
using RaftRunner.Protocol;
using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

/// <summary>Both directions against zmq-raft 0.5.0's own FileLog / IndexFile, and its zr-tool on our files.</summary>
public class ZmqRaftLogInteropTests(ZmqRaftLogFixture zmq) : IClassFixture<ZmqRaftLogFixture>
{
    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static FileLogOptions Options(int capacity = 4) => new() { IndexFileCapacity = capacity };

    private static List<LogEntry> EveryType(long from, int count, ulong term)
    {
        var list = new List<LogEntry>();
        for (var i = from; i < from + count; i++)
            list.Add(LogEntries.Make(i, term, time: DateTimeOffset.UtcNow));
        return list;
    }

    private JsonElement ZmqRead(string root)
    {
        var json = zmq.Node(zmq.Script("log-zmq-read.js"), Path.Combine(root, "log"), Path.Combine(root, "snap"));
        return JsonDocument.Parse(json).RootElement;
    }

    private static void AssertSameAsZmq(JsonElement zmqLog, FileLog log)
    {
        Assert.Equal(log.FirstIndex, zmqLog.GetProperty("firstIndex").GetInt64());
        Assert.Equal(log.LastIndex, zmqLog.GetProperty("lastIndex").GetInt64());
        Assert.Equal(log.LastTerm, zmqLog.GetProperty("lastTerm").GetUInt64());
        var entries = zmqLog.GetProperty("entries").EnumerateArray().ToList();
        var ours = log.GetEntries(log.FirstIndex, log.LastIndex);
        Assert.Equal(ours.Count, entries.Count);
        for (var i = 0; i < ours.Count; i++)
        {
            var e = entries[i];
            Assert.Equal(log.FirstIndex + i, e.GetProperty("index").GetInt64());
            Assert.Equal(e.GetProperty("raw").GetString(), Hex(ours[i].Raw.Span));
            Assert.Equal((int)ours[i].Type, e.GetProperty("type").GetInt32());
            Assert.Equal(ours[i].Term, e.GetProperty("term").GetUInt64());
            Assert.Equal(ours[i].RequestId.ToHex(), e.GetProperty("requestId").GetString());
        }
        var files = zmqLog.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(IndexFilePath.Discover(log.LogDirectory).Select(i => IndexFilePath.RelativePath(i).Replace(Path.DirectorySeparatorChar, '/')).ToList(), files);
    }

    [Fact]
    public void Zmq_raft_writes_and_we_read()
    {
        using var dir = new LogTempDirectory();
        var now = DateTimeOffset.UtcNow;
        var batch = EveryType(100, 6, 3);
        var again = EveryType(200, 4, 4);
        var spec = new
        {
            logdir = dir.Combine("log"),
            snapshot = dir.Combine("snap"),
            capacity = 4,
            ops = new object[]
            {
                new { op = "state", requestId = LogEntries.Id(1, now).ToHex(), term = 1, data = "a3666f6f" },
                new { op = "config", requestId = LogEntries.Id(2, now).ToHex(), term = 1, data = "81a570656572739192a161a3746370" },
                new { op = "checkpoint", term = 2 },
                new { op = "state", requestId = LogEntries.Id(3, now).ToHex(), term = 2, data = "c3" },
                new { op = "entries", entries = batch.Select(e => Hex(e.Raw.Span)).ToArray() },   // 5..10, crosses into 8..11
                new { op = "truncate", index = 9 },                                                // 9.. removed
                new { op = "entries", entries = again.Select(e => Hex(e.Raw.Span)).ToArray(), index = 7 }, // 7..10 after truncating to 7
                new { op = "checkpoint", term = 5 },                                               // 11
                new { op = "state", requestId = LogEntries.Id(4, now).ToHex(), term = 5, data = "01" }, // 12, a new file
            },
        };
        var specPath = dir.Combine("spec.json");
        File.WriteAllText(specPath, JsonSerializer.Serialize(spec));
        var written = JsonDocument.Parse(zmq.Node(zmq.Script("log-zmq-write.js"), specPath)).RootElement;
        Assert.Equal(12, written.GetProperty("lastIndex").GetInt64());

        using (var log = FileLog.Open(dir.Combine("log"), Options(capacity: 64)))
        {
            AssertSameAsZmq(written, log);
            Assert.Equal(4, log.IndexFileCapacity);
            Assert.Equal(5UL, log.LastTerm);
            LogEntries.AssertSame(again, log.GetEntries(7, 10));
            var types = log.GetEntries(1, 12).Select(e => e.Type).ToList();
            Assert.Equal([LogEntryType.State, LogEntryType.Config, LogEntryType.Checkpoint, LogEntryType.State], types.Take(4));
            Assert.Equal(LogEntryType.Checkpoint, types[10]);
            Assert.True(log.RequestIds.TryGet(LogEntries.Id(4, now), out var rid));
            Assert.Equal(12, rid);
            Assert.True(log.RequestIds.TryGet(LogEntries.Id(1, now), out rid));
            Assert.Equal(1, rid);
            // and we continue the log zmq-raft started; zmq-raft reads it back
            log.Append(EveryType(300, 7, 6));
        }
        using (var log = FileLog.Open(dir.Combine("log"), Options()))
            AssertSameAsZmq(ZmqRead(dir.Path), log);
    }

    [Fact]
    public void We_write_and_zmq_raft_reads()
    {
        using var dir = new LogTempDirectory();
        using (var log = FileLog.Open(dir.Combine("log"), Options()))
        {
            log.Append(EveryType(1, 9, 1));
            log.TruncateAfter(5, 0);
            log.Append(EveryType(50, 6, 2));
            log.Append([LogEntry.Checkpoint(3)]);
        }
        var zmqLog = ZmqRead(dir.Path);
        using (var log = FileLog.Open(dir.Combine("log"), Options()))
        {
            Assert.Equal(12, log.LastIndex);
            AssertSameAsZmq(zmqLog, log);
            var files = log.DescribeFiles();
            var zmqFiles = zmqLog.GetProperty("indexFiles").EnumerateArray().ToList();
            Assert.Equal(files.Count, zmqFiles.Count);
            for (var i = 0; i < files.Count; i++)
            {
                Assert.Equal(files[i].FirstAllowedIndex, zmqFiles[i].GetProperty("firstAllowedIndex").GetInt64());
                Assert.Equal(files[i].LastAllowedIndex, zmqFiles[i].GetProperty("lastAllowedIndex").GetInt64());
                Assert.Equal(files[i].Capacity, zmqFiles[i].GetProperty("capacity").GetInt32());
                Assert.Equal(files[i].NextIndex, zmqFiles[i].GetProperty("nextIndex").GetInt64());
            }
        }
    }

    [Fact]
    public void Zr_tool_agrees_on_our_log()
    {
        using var dir = new LogTempDirectory();
        var entries = EveryType(1, 10, 7);
        using (var log = FileLog.Open(dir.Combine("log"), Options()))
            log.Append(entries);
        ZmqRead(dir.Path); // creates the empty snapshot zr-tool's directory commands need

        var listed = zmq.Node(zmq.ZrTool, "list", dir.Path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(IndexFilePath.Discover(dir.Combine("log")).Select(i => Path.Combine(dir.Path, "log", IndexFilePath.RelativePath(i))), listed);

        var inspectDir = JsonDocument.Parse(zmq.Node(zmq.ZrTool, "inspect", dir.Path)).RootElement;
        var ours = LogInspector.Inspect(dir.Path);
        Assert.Equal("dir:log", inspectDir.GetProperty("type").GetString());
        Assert.Equal(ours.FirstIndex, inspectDir.GetProperty("firstIndex").GetInt64());
        Assert.Equal(ours.LastIndex, inspectDir.GetProperty("lastIndex").GetInt64());
        Assert.Equal(ours.LastTerm, inspectDir.GetProperty("lastTerm").GetUInt64());

        foreach (var info in ours.Files)
        {
            var report = JsonDocument.Parse(zmq.Node(zmq.ZrTool, "inspect", info.Path)).RootElement;
            Assert.Equal("file:index", report.GetProperty("type").GetString());
            Assert.Equal(info.Capacity, report.GetProperty("capacity").GetInt32());
            Assert.Equal(info.EntryCount, report.GetProperty("entryCount").GetInt32());
            Assert.Equal(info.NextIndex, report.GetProperty("nextIndex").GetInt64());
            Assert.Equal(info.FirstAllowedIndex, report.GetProperty("firstAllowedIndex").GetInt64());
            Assert.Equal(info.LastAllowedIndex, report.GetProperty("lastAllowedIndex").GetInt64());
            Assert.Equal(info.DataSize, report.GetProperty("dataSize").GetInt64());
            Assert.Equal(info.FileSize, report.GetProperty("fileSize").GetInt64());
            Assert.Equal(info.Meta!.Created, report.GetProperty("meta").GetProperty("created").GetString());
            Assert.Equal(info.Meta.Hostname, report.GetProperty("meta").GetProperty("hostname").GetString());
        }

        // list FILE: "index:offset:size" in hex; dump FILE: per entry "type:base64 request id:term" and the data
        var second = ours.Files[1];
        using var file = IndexFile.Open(second.Path, readOnly: true);
        var lines = zmq.Node(zmq.ZrTool, "list", second.Path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(file.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split(':').Select(p => Convert.ToInt64(p, 16)).ToArray();
            var index = file.FirstAllowedIndex + i;
            Assert.Equal([index, file.EntryPosition(index), file.EntrySize(index)], parts);
        }
        var dest = dir.Combine("dump");
        Directory.CreateDirectory(dest);
        // zr-tool 0.5.0 shows its help when given options after the file (it counts the arguments), so it dumps into its working directory
        zmq.NodeIn(dest, zmq.ZrTool, "dump", second.Path);
        for (var index = file.FirstAllowedIndex; index < file.NextIndex; index++)
        {
            var entry = entries[(int)index - 1];
            var name = Path.Combine(dest, index.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal($"{(int)entry.Type}:{Convert.ToBase64String(entry.RequestId.ToArray())}:{entry.Term}", File.ReadAllText(name + ".meta"));
            Assert.Equal(entry.Data.ToArray(), File.ReadAllBytes(name + ".data"));
        }
    }
}
