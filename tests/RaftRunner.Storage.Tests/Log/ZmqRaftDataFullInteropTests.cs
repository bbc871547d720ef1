using System.Text.Json;
using RaftRunner.Protocol;
using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

/// <summary>
/// Index files full by data, against zmq-raft 0.5.0's own FileLog, with MAX_DATASIZE lowered to 450 bytes on both
/// sides (<see cref="TestLogIo"/> here; buffer.kMaxLength in node/log-zmq-datafull-write.js) and 100-byte entries.
/// zmq-raft cannot go on past such a file (it creates the next file after the full file's last slot and its write
/// fails; the log it leaves cannot be opened by it again); RaftRunner continues that log, and zmq-raft reads logs
/// with such files through the paths that follow each file's stored entries (open, termAt, the entries stream that
/// serves RequestEntries, the request-id cache rebuild) — not through getEntries, which assumes full files.
/// </summary>
public class ZmqRaftDataFullInteropTests(ZmqRaftLogFixture zmq) : IClassFixture<ZmqRaftLogFixture>
{
    private const int MaxDataSize = 450;
    private const int Size = 100;

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static FileLogOptions Options(TestLogIo io, int capacity = 16) => new()
    {
        IndexFileCapacity = capacity,
        TimeProvider = new ManualTime(LogEntries.Now),
        Io = io,
    };

    /// <summary>zmq-raft reads the log in <paramref name="root"/>/log (read-only, and a copy of it opened for writing).</summary>
    private JsonElement ZmqRead(LogTempDirectory dir)
    {
        var copy = dir.Combine("copy");
        CopyDirectory(dir.Combine("log"), Path.Combine(copy, "log"));
        var json = zmq.Node(zmq.Script("log-zmq-read-stream.js"), dir.Combine("log"), dir.Combine("snap"), Path.Combine(copy, "log"), Path.Combine(copy, "snap"));
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var sub in Directory.EnumerateDirectories(from))
            CopyDirectory(sub, Path.Combine(to, Path.GetFileName(sub)));
    }

    /// <summary>What zmq-raft read is what we read: range, entries, terms, files, and the request-id cache.</summary>
    private static void AssertZmqReadsAsWeDo(JsonElement zmqLog, FileLog log)
    {
        Assert.Equal(log.FirstIndex, zmqLog.GetProperty("firstIndex").GetInt64());
        Assert.Equal(log.LastIndex, zmqLog.GetProperty("lastIndex").GetInt64());
        Assert.Equal(log.LastTerm, zmqLog.GetProperty("lastTerm").GetUInt64());
        var ours = log.GetEntries(log.FirstIndex, log.LastIndex);
        Assert.Equal(ours.Select(e => Hex(e.Raw.Span)), zmqLog.GetProperty("entries").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(ours.Select(e => e.Term), zmqLog.GetProperty("terms").EnumerateArray().Select(t => t.GetUInt64()));
        Assert.Equal(
            IndexFilePath.Discover(log.LogDirectory).Select(i => IndexFilePath.RelativePath(i).Replace(Path.DirectorySeparatorChar, '/')),
            zmqLog.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
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
        var ids = zmqLog.GetProperty("requestIds").EnumerateArray().ToList();
        Assert.Equal(ours.Count(e => e.Type != LogEntryType.Checkpoint), ids.Count);
        foreach (var id in ids)
        {
            var requestId = RequestId.FromBytes(Convert.FromHexString(id.GetProperty("requestId").GetString()!));
            Assert.True(log.TryGetRequestIndex(requestId, out var index));
            Assert.Equal(index, id.GetProperty("index").GetInt64());
        }
        Assert.Equal(log.LastIndex, zmqLog.GetProperty("writableLastIndex").GetInt64());
        // zmq-raft's getEntries takes every file but the last to end with its last slot (filelog.js:627).
        if (files.Take(files.Count - 1).Any(f => f.NextIndex <= f.LastAllowedIndex))
            Assert.Equal("IndexFile: index out of bounds", zmqLog.GetProperty("getEntriesError").GetString());
    }

    [Fact]
    public void Zmq_raft_stops_at_a_file_full_by_data_and_we_continue_its_log()
    {
        using var dir = new LogTempDirectory();
        var entries = SizedEntries.Range(1, 6, Size, term: 1);
        var spec = new
        {
            logdir = dir.Combine("log"),
            snapshot = dir.Combine("snap"),
            capacity = 16,
            maxDataSize = MaxDataSize,
            entries = entries.Select(e => Hex(e.Raw.Span)).ToArray(),
        };
        var specPath = dir.Combine("spec.json");
        File.WriteAllText(specPath, JsonSerializer.Serialize(spec));
        var written = JsonDocument.Parse(zmq.Node(zmq.Script("log-zmq-datafull-write.js"), specPath)).RootElement;

        // What zmq-raft does: 4 entries fill file 1 (slots 1..15) by data; for the 5th it creates file 16 (after the
        // last slot, filelog.js:926) and writing index 5 there is out of its bounds (indexfile.js:629).
        Assert.Equal(4, written.GetProperty("appended").GetInt32());
        Assert.Equal(4, written.GetProperty("lastIndex").GetInt64());
        Assert.Equal("IndexFile: index out of bounds", written.GetProperty("appendError").GetString());
        var zmqFiles = written.GetProperty("indexFiles").EnumerateArray().Select(f =>
            (f.GetProperty("firstAllowedIndex").GetInt64(), f.GetProperty("capacity").GetInt32(), f.GetProperty("nextIndex").GetInt64())).ToList();
        Assert.Equal([(1L, 15, 5L), (16L, 16, 16L)], zmqFiles);
        // ...and it cannot open that log again: the empty file 16 sends it looking for index 15.
        Assert.Contains("could not find index file", written.GetProperty("reopenError").GetString(), StringComparison.Ordinal);

        using var io = new TestLogIo(MaxDataSize);
        using (var log = FileLog.Open(dir.Combine("log"), Options(io, capacity: 64)))
        {
            Assert.Equal(16, log.IndexFileCapacity);
            Assert.Equal(4, log.LastIndex);
            Assert.Equal([1L], IndexFilePath.Discover(dir.Combine("log"))); // the empty file 16 is gone
            LogEntries.AssertSame(entries[..4], log.GetEntries(1, 4));
            log.Append(SizedEntries.Range(5, 8, Size, term: 2));
            Assert.Equal([1L, 5L, 9L], log.DescribeFiles().Select(f => f.FirstAllowedIndex));
        }
        using (var log = FileLog.Open(dir.Combine("log"), Options(io)))
            AssertZmqReadsAsWeDo(ZmqRead(dir), log);
    }

    [Fact]
    public void We_write_files_full_by_data_and_zmq_raft_reads_them()
    {
        using var dir = new LogTempDirectory();
        using var io = new TestLogIo(MaxDataSize);
        var first = SizedEntries.Range(1, 10, Size, term: 1);
        first[2] = LogEntry.Checkpoint(1);
        using (var log = FileLog.Open(dir.Combine("log"), Options(io)))
        {
            log.Append(first);                                                   // 1..5 (a checkpoint is 21 bytes) | 6..9 | 10
            log.TruncateAfter(6, commitIndex: 0);                                // back into the second file
            log.Append(SizedEntries.Range(7, 14, Size, term: 2, generation: 1)); // 6..9 | 10..13 | 14..15 (slots) | 16..19 | 20
            log.Append([LogEntry.Checkpoint(3), SizedEntries.Make(22, 430, term: 3), SizedEntries.Make(23, 60, term: 3)]);
            Assert.Equal(23, log.LastIndex);
            Assert.Equal([1L, 6L, 10L, 14L, 16L, 20L, 22L, 23L], log.DescribeFiles().Select(f => f.FirstAllowedIndex));
            Assert.Equal([5, 4, 4, 2, 4, 2, 1, 1], log.DescribeFiles().Select(f => f.EntryCount));
        }
        var zmqLog = ZmqRead(dir);
        using (var log = FileLog.Open(dir.Combine("log"), Options(io)))
        {
            AssertZmqReadsAsWeDo(zmqLog, log);
            Assert.NotNull(zmqLog.GetProperty("getEntriesError").GetString());
        }

        // zr-tool (read-only FileLog) agrees on the range.
        var inspect = JsonDocument.Parse(zmq.Node(zmq.ZrTool, "inspect", dir.Path)).RootElement;
        Assert.Equal(1, inspect.GetProperty("firstIndex").GetInt64());
        Assert.Equal(23, inspect.GetProperty("lastIndex").GetInt64());
        Assert.Equal(3UL, inspect.GetProperty("lastTerm").GetUInt64());
    }
}
