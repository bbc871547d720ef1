using System.Text.Json;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Persistence;
using RaftRunner.Storage.Tests.Snapshots;
using static RaftRunner.Storage.Tests.Persistence.RaftStateTests;

namespace RaftRunner.Storage.Tests.Persistence;

/// <summary>raft.pers and state.pers across implementations: zmq-raft 0.5.0's RaftPersistence and BroadcastStateMachine against ours, both ways.</summary>
public sealed class PersistenceInteropTests(ZmqRaftNodeFixture node) : IClassFixture<ZmqRaftNodeFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertPeers(JsonElement expected, IReadOnlyList<PeerInfo> actual) =>
        Assert.Equal(expected.EnumerateArray().Select(p => new PeerInfo(p[0].GetString()!, p[1].GetString()!)), actual);

    private static void AssertSame(JsonElement raft, RaftState state)
    {
        Assert.Equal(raft.GetProperty("currentTerm").GetUInt64(), state.CurrentTerm);
        Assert.Equal(raft.GetProperty("votedFor").ValueKind == JsonValueKind.Null ? null : raft.GetProperty("votedFor").GetString(), state.VotedFor);
        var peers = raft.GetProperty("peers");
        if (peers.ValueKind == JsonValueKind.Object)
        {
            Assert.True(state.Peers.IsTransitional);
            AssertPeers(peers.GetProperty("old"), state.Peers.OldPeers!);
            AssertPeers(peers.GetProperty("new"), state.Peers.Peers);
        }
        else
        {
            Assert.False(state.Peers.IsTransitional);
            AssertPeers(peers, state.Peers.Peers);
        }
        var request = raft.GetProperty("peersUpdateRequest");
        Assert.Equal(request.ValueKind == JsonValueKind.Null ? null : request.GetString(), state.PeersUpdateRequest);
        var index = raft.GetProperty("peersIndex");
        Assert.Equal(index.ValueKind == JsonValueKind.Null ? null : index.GetUInt64(), state.PeersIndex);
    }

    [Fact]
    public void We_read_what_zmq_raft_writes()
    {
        var written = node.RunScriptJson("persistence-write.js", _dir.Path);
        using (var raft = RaftState.Open(_dir.File("raft.pers"), [new("seed", "tcp://seed:1")]))
        {
            AssertSame(written.GetProperty("raft"), raft);
            Assert.True(raft.Peers.IsTransitional);
            Assert.Equal(3_000_000_001UL, raft.CurrentTerm);
        }
        using var broadcast = BroadcastState.Open(_dir.File("state.pers"));
        Assert.Equal(written.GetProperty("broadcast").GetProperty("lastApplied").GetUInt64(), broadcast.LastApplied);
        Assert.Equal(2_147_483_648UL, broadcast.LastApplied);
    }

    [Fact]
    public void We_read_a_file_zmq_raft_has_rolled()
    {
        var written = node.RunScriptJson("persistence-write.js", _dir.Path, "roll");
        var history = FileRotation.ListHistoryFiles(_dir.File("raft.pers"));
        Assert.Single(history);
        Assert.True(new FileInfo(history[0]).Length >= FilePersistence.DefaultRollThreshold);
        Assert.True(new FileInfo(_dir.File("raft.pers")).Length < FilePersistence.DefaultRollThreshold);
        using var raft = RaftState.Open(_dir.File("raft.pers"), [new("seed", "tcp://seed:1")]);
        AssertSame(written.GetProperty("raft"), raft);
    }

    /// <summary>The update sequence of node/persistence-write.js, through our classes.</summary>
    private void WriteLikeZmqRaft(string directory)
    {
        using (var raft = RaftState.Open(Path.Combine(directory, "raft.pers"), Seed))
        {
            raft.Update(new RaftStateUpdate { CurrentTerm = 1 });
            raft.UpdateTerm(2, "p1");
            raft.UpdateTerm(3, null);
            raft.Update(new RaftStateUpdate { CurrentTerm = 3_000_000_000 });
            raft.Update(new RaftStateUpdate { VotedFor = "p2" });
            raft.UpdatePeers(ConfigEntryData.Final(Three), "WQ8W7hQAAABAAQAB", null);
            raft.UpdatePeersIndex(7);
            raft.UpdatePeers(ConfigEntryData.Transitional(Three, Next), "WQ8W7hQAAABAAQAC", null);
            raft.UpdatePeersIndex(12);
            raft.UpdateTerm(3_000_000_001, "p4");
        }
        using var broadcast = BroadcastState.Open(Path.Combine(directory, "state.pers"));
        foreach (var lastApplied in new ulong[] { 1, 2, 5, 13, 2_147_483_648 })
            broadcast.UpdateLastApplied(lastApplied);
    }

    [Fact]
    public void Our_files_are_byte_identical_to_zmq_raft_s_for_the_same_updates()
    {
        var theirs = Path.Combine(_dir.Path, "theirs");
        var ours = Path.Combine(_dir.Path, "ours");
        Directory.CreateDirectory(theirs);
        Directory.CreateDirectory(ours);
        node.RunScript("persistence-write.js", theirs);
        WriteLikeZmqRaft(ours);
        Assert.Equal(File.ReadAllBytes(Path.Combine(theirs, "raft.pers")), File.ReadAllBytes(Path.Combine(ours, "raft.pers")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(theirs, "state.pers")), File.ReadAllBytes(Path.Combine(ours, "state.pers")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Zmq_raft_reads_what_we_write(bool rolled)
    {
        WriteLikeZmqRaft(_dir.Path);
        var raftFile = _dir.File("raft.pers");
        if (rolled)
        {
            using var file = FilePersistence.Open(raftFile);
            file.Roll();
        }
        RaftState expected;
        using (expected = RaftState.Open(raftFile, [new("seed", "tcp://seed:1")]))
        {
            var read = node.RunScriptJson("persistence-read.js", raftFile, _dir.File("state.pers"));
            AssertSame(read.GetProperty("raft"), expected);
            Assert.Equal(2_147_483_648UL, read.GetProperty("broadcast").GetProperty("lastApplied").GetUInt64());
            var after = read.GetProperty("raftAfterUpdate");
            Assert.Equal(expected.CurrentTerm + 1, after.GetProperty("currentTerm").GetUInt64());
        }
        // zmq-raft appended to our file; we carry on reading it.
        using var reopened = RaftState.Open(raftFile, [new("seed", "tcp://seed:1")]);
        Assert.Equal(3_000_000_002UL, reopened.CurrentTerm);
        Assert.Equal("p4", reopened.VotedFor);
        Assert.True(reopened.Peers.IsTransitional);
    }

    [Fact]
    public void Zr_tool_dumps_our_state_file()
    {
        WriteLikeZmqRaft(_dir.Path);
        var dump = node.RunZrTool("dump", _dir.File("raft.pers")).EnsureSuccess();
        var lines = dump.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, lines.Length);
        Assert.Equal("{\"currentTerm\":1}", lines[0]);
        Assert.Equal("{\"currentTerm\":2,\"votedFor\":\"p1\"}", lines[1]);
        Assert.Equal("{\"currentTerm\":3000000001,\"votedFor\":\"p4\"}", lines[^1]);
        var transition = JsonDocument.Parse(lines[7]).RootElement;
        Assert.Equal("p4", transition.GetProperty("peers").GetProperty("new")[1][0].GetString());
        Assert.Equal("WQ8W7hQAAABAAQAC", transition.GetProperty("peersUpdateRequest").GetString());

        var state = node.RunZrTool("dump", _dir.File("state.pers")).EnsureSuccess();
        Assert.Equal("{\"lastApplied\":2147483648}", state.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Equal(MessagePackValue.From(2_147_483_648UL), FilePersistence.Open(_dir.File("state.pers")).State["lastApplied"]);
    }
}
