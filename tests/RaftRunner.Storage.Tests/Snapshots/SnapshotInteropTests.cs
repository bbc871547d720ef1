using System.IO.Compression;
using System.Text.Json;
using RaftRunner.Storage.Persistence;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Storage.Tests.Snapshots;

/// <summary>Snapshot files across implementations: zmq-raft 0.5.0's SnapshotFile and zr-tool against ours, both ways.</summary>
public sealed class SnapshotInteropTests(ZmqRaftNodeFixture node) : IClassFixture<ZmqRaftNodeFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] ReadAll(SnapshotFile snapshot)
    {
        var data = new byte[snapshot.DataSize];
        for (var offset = 0; offset < data.Length; offset += 4096)
            snapshot.ReadChunk(offset, data.AsSpan(offset, Math.Min(4096, data.Length - offset)));
        return data;
    }

    [Theory]
    [InlineData("size", 10_007)]
    [InlineData("stream", 150_001)]
    [InlineData("size", 0)]
    public void We_read_what_zmq_raft_writes(string mode, int length)
    {
        var data = SnapshotFileTests.RandomBytes(length, length);
        var dataFile = _dir.File("data.bin");
        File.WriteAllBytes(dataFile, data);
        var target = _dir.File("snap");
        var written = node.RunScriptJson("snapshot-write.js", target, "9007199254740991", "4294967297", dataFile, mode);

        using var snapshot = SnapshotFile.Open(target);
        Assert.Equal(9_007_199_254_740_991UL, snapshot.Index);
        Assert.Equal(4_294_967_297UL, snapshot.Term);
        Assert.Equal(length, snapshot.DataSize);
        Assert.Equal(written.GetProperty("dataSize").GetInt64(), snapshot.DataSize);
        Assert.Equal(written.GetProperty("dataOffset").GetInt64(), snapshot.DataOffset);
        Assert.Equal(data, ReadAll(snapshot));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", snapshot.Created);
        Assert.False(string.IsNullOrEmpty(snapshot.Hostname));
        Assert.Equal(["created", "hostname"], snapshot.Metadata!.AsMap().Select(e => e.Key.AsString()));
    }

    [Fact]
    public void Zmq_raft_keeps_a_replaced_snapshot_under_a_name_we_recognise()
    {
        var dataFile = _dir.File("data.bin");
        File.WriteAllBytes(dataFile, [1, 2, 3]);
        var target = _dir.File("snap");
        node.RunScript("snapshot-write.js", target, "5", "1", dataFile, "size");
        node.RunScript("snapshot-write.js", target, "6", "1", dataFile, "size");
        var history = FileRotation.ListHistoryFiles(target);
        Assert.Single(history);
        using (var old = SnapshotFile.Open(history[0]))
            Assert.Equal(5UL, old.Index);
        // Ours would be named by the same pattern at the same time.
        Assert.Equal(Path.GetFileName(history[0]).Length, Path.GetFileName(FileRotation.CreateRotateName(target)).Length);
    }

    private JsonElement ZmqRaftReads(string path)
    {
        var read = node.RunScriptJson("snapshot-read.js", path);
        Assert.Equal(read.GetProperty("data").GetString(), read.GetProperty("streamed").GetString());
        return read;
    }

    [Theory]
    [InlineData(true, 65_537)]
    [InlineData(false, 1)]
    public void Zmq_raft_reads_what_we_write(bool declareSize, int length)
    {
        var data = SnapshotFileTests.RandomBytes(length, 99);
        var target = _dir.File("snap");
        using (var writer = SnapshotWriter.Create(target, 123_456_789_012_345, 3_000_000_000, declareSize ? length : null))
        {
            for (var offset = 0; offset < length; offset += 1000)
                Assert.True(writer.TryWriteChunk(offset, data.AsSpan(offset, Math.Min(1000, length - offset))));
            writer.Install().Dispose();
        }
        using var ours = SnapshotFile.Open(target);
        var read = ZmqRaftReads(target);
        Assert.Equal(123_456_789_012_345, read.GetProperty("logIndex").GetInt64());
        Assert.Equal(3_000_000_000, read.GetProperty("logTerm").GetInt64());
        Assert.Equal(length, read.GetProperty("dataSize").GetInt64());
        Assert.Equal(ours.DataOffset, read.GetProperty("dataOffset").GetInt64());
        Assert.Equal(data, Convert.FromBase64String(read.GetProperty("data").GetString()!));
        Assert.Equal(ours.Created, read.GetProperty("meta").GetProperty("created").GetString());
        Assert.Equal(ours.Hostname, read.GetProperty("meta").GetProperty("hostname").GetString());
    }

    [Fact]
    public void Zmq_raft_reads_our_empty_snapshot()
    {
        var target = _dir.File("snap");
        SnapshotFile.CreateEmpty(target).Dispose();
        var read = ZmqRaftReads(target);
        Assert.Equal(0, read.GetProperty("logIndex").GetInt64());
        Assert.Equal(0, read.GetProperty("logTerm").GetInt64());
        Assert.Equal(0, read.GetProperty("dataSize").GetInt64());
        Assert.Equal("", read.GetProperty("data").GetString());
    }

    [Fact]
    public void Zr_tool_inspects_and_dumps_our_snapshot()
    {
        var content = SnapshotFileTests.RandomBytes(20_000, 7);
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(content);
        gzipped.Position = 0;
        var target = _dir.File("snap");
        using (var writer = SnapshotWriter.Create(target, 4242, 17))
        {
            writer.CopyFrom(gzipped);
            writer.Install().Dispose();
        }
        using var ours = SnapshotFile.Open(target);

        var inspect = node.RunZrTool("inspect", target).EnsureSuccess();
        using var report = JsonDocument.Parse(inspect.StandardOutput);
        var root = report.RootElement;
        Assert.Equal("file:snapshot", root.GetProperty("type").GetString());
        Assert.Equal(4242, root.GetProperty("logIndex").GetInt64());
        Assert.Equal(17, root.GetProperty("logTerm").GetInt64());
        Assert.Equal(ours.DataSize, root.GetProperty("dataSize").GetInt64());
        Assert.Equal(new FileInfo(target).Length, root.GetProperty("fileSize").GetInt64());
        Assert.Equal(ours.Hostname, root.GetProperty("meta").GetProperty("hostname").GetString());

        // zr-tool dump gunzips snapshot data by default (and its -U switch is broken in 0.5.0), hence the gzip.
        var dump = node.RunZrTool("dump", target).EnsureSuccess();
        Assert.Equal(content, dump.Output);
    }
}
