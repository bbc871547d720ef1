using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Persistence;
using RaftRunner.Storage.Tests.Snapshots;
using static RaftRunner.Storage.Tests.Persistence.FilePersistenceTests;

namespace RaftRunner.Storage.Tests.Persistence;

public sealed class RaftStateTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string RaftFile => _dir.File(RaftState.DefaultFileName);

    internal static readonly PeerInfo[] Seed = [new("p1", "tcp://127.0.0.1:8047"), new("p2", "tcp://127.0.0.1:8147")];

    internal static readonly PeerInfo[] Three = [.. Seed, new("p3", "tcp://127.0.0.1:8247")];

    internal static readonly PeerInfo[] Next = [new("p1", "tcp://127.0.0.1:8047"), new("p4", "tcp://127.0.0.1:8347")];

    private RaftState Open(StorageIo? io = null) => RaftState.Open(RaftFile, Seed, null, io ?? StorageIo.Default);

    [Fact]
    public void A_new_file_has_zmq_raft_s_defaults()
    {
        using var state = Open();
        Assert.Equal(0UL, state.CurrentTerm);
        Assert.Null(state.VotedFor);
        Assert.Equal(ConfigEntryData.Final(Seed), state.Peers);
        Assert.Null(state.PeersUpdateRequest);
        Assert.Null(state.PeersIndex);
        Assert.Equal(["currentTerm", "votedFor", "peers", "peersUpdateRequest", "peersIndex"], state.File.State.Keys);
        Assert.Equal(0, new FileInfo(RaftFile).Length);
    }

    [Fact]
    public void Updates_store_the_changed_keys_in_zmq_raft_s_order_and_survive_reopening()
    {
        using (var state = Open())
        {
            state.UpdateTerm(1, null);
            state.UpdateTerm(2, "p1");
            state.Update(new RaftStateUpdate { VotedFor = null });
            state.UpdatePeers(ConfigEntryData.Final(Three), "WQ8W7hQAAABAAQAB", null);
            state.UpdatePeersIndex(7);
            state.UpdatePeers(ConfigEntryData.Transitional(Three, Next), "WQ8W7hQAAABAAQAC", null);
            state.UpdatePeersIndex(12);
            state.UpdateTerm(3_000_000_001, "p4");
            state.Update(new RaftStateUpdate());
        }
        var expected = new[]
        {
            Map(Kv("currentTerm", 1), Kv("votedFor", (string?)null)),
            Map(Kv("currentTerm", 2), Kv("votedFor", "p1")),
            Map(Kv("votedFor", (string?)null)),
            Map(Kv("peers", RaftState.PeersValue(ConfigEntryData.Final(Three))), Kv("peersUpdateRequest", "WQ8W7hQAAABAAQAB"), Kv("peersIndex", (string?)null)),
            Map(Kv("peersIndex", 7)),
            Map(Kv("peers", RaftState.PeersValue(ConfigEntryData.Transitional(Three, Next))), Kv("peersUpdateRequest", "WQ8W7hQAAABAAQAC"), Kv("peersIndex", (string?)null)),
            Map(Kv("peersIndex", 12)),
            Map(Kv("currentTerm", MessagePackValue.From(3_000_000_001UL)), Kv("votedFor", "p4")),
        }.SelectMany(b => b).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(RaftFile));

        using var reopened = Open();
        Assert.Equal(3_000_000_001UL, reopened.CurrentTerm);
        Assert.Equal("p4", reopened.VotedFor);
        Assert.True(reopened.Peers.IsTransitional);
        Assert.Equal(Three, reopened.Peers.OldPeers);
        Assert.Equal(Next, reopened.Peers.Peers);
        Assert.Equal("WQ8W7hQAAABAAQAC", reopened.PeersUpdateRequest);
        Assert.Equal(12UL, reopened.PeersIndex);
    }

    [Fact]
    public void Transitional_peers_are_stored_as_an_old_new_map()
    {
        var value = RaftState.PeersValue(ConfigEntryData.Transitional(Three, Next));
        Assert.Equal(["old", "new"], value.AsMap().Select(e => e.Key.AsString()));
        Assert.Equal(MessagePackValue.Array(MessagePackValue.From("p1"), MessagePackValue.From("tcp://127.0.0.1:8047")), value.GetProperty("new").AsArray()[0]);
    }

    [Fact]
    public void Request_keys_are_the_base64_of_the_request_id()
    {
        var id = RequestId.New(DateTimeOffset.FromUnixTimeSeconds(1_500_000_000));
        var key = RaftState.ToRequestKey(id);
        Assert.Equal(RaftState.RequestKeyLength, key.Length);
        Assert.Equal(Convert.ToBase64String(id.ToArray()), key);
        Assert.True(RaftState.TryParseRequestKey(key, out var back));
        Assert.Equal(id, back);
        Assert.False(RaftState.TryParseRequestKey("short", out _));
        Assert.False(RaftState.TryParseRequestKey(null, out _));
    }

    [Fact]
    public void Invalid_arguments_are_refused_before_anything_is_written()
    {
        using var state = Open();
        Assert.Throws<ArgumentException>(() => state.UpdatePeers(ConfigEntryData.Final(Three), "tooshort", null));
        Assert.Throws<ArgumentOutOfRangeException>(() => state.UpdateTerm(1UL << 53, null));
        Assert.Equal(0, new FileInfo(RaftFile).Length);
    }

    [Fact]
    public void A_failed_write_leaves_the_reported_values_unchanged()
    {
        var io = new FaultyIo();
        using var state = Open(io);
        state.UpdateTerm(5, "p2");
        io.FailNextWrite = true;
        Assert.Throws<StorageException>(() => state.UpdateTerm(6, "p1"));
        Assert.Equal(5UL, state.CurrentTerm);
        Assert.Equal("p2", state.VotedFor);
        io.FailNextSync = true;
        Assert.Throws<StorageException>(() => state.UpdatePeers(ConfigEntryData.Final(Three), null, 3));
        Assert.Equal(ConfigEntryData.Final(Seed), state.Peers);
        Assert.Null(state.PeersIndex);
        state.UpdateTerm(7, null);
        Assert.Equal(7UL, state.CurrentTerm);
        using var reopened = RaftState.Open(_dir.File("raft.pers"), Seed);
        Assert.Equal(7UL, reopened.CurrentTerm);
        Assert.Null(reopened.VotedFor);
        Assert.Equal(ConfigEntryData.Final(Seed), reopened.Peers);
    }

    [Fact]
    public void Peers_are_read_in_every_form_zmq_raft_accepts()
    {
        var peers = MessagePackValue.Array(
            MessagePackValue.Array(MessagePackValue.From("a"), MessagePackValue.From("tcp://a:1")),
            MessagePackValue.Array(MessagePackValue.From("tcp://b:2")),
            MessagePackValue.From("tcp://c:3"),
            MessagePackValue.Map(
                new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("id"), MessagePackValue.From("d")),
                new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("url"), MessagePackValue.From("tcp://d:4"))),
            MessagePackValue.Map(new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("url"), MessagePackValue.From("tcp://e:5"))));
        File.WriteAllBytes(RaftFile, Map(Kv("peers", peers)));
        using var state = Open();
        Assert.Equal(
            [new("a", "tcp://a:1"), new("tcp://b:2", "tcp://b:2"), new("tcp://c:3", "tcp://c:3"), new("d", "tcp://d:4"), new("tcp://e:5", "tcp://e:5")],
            state.Peers.Peers.ToArray());
    }

    [Theory]
    [InlineData("currentTerm", "\"3\"")]
    [InlineData("currentTerm", "-1")]
    [InlineData("currentTerm", "1.5")]
    [InlineData("votedFor", "7")]
    [InlineData("peers", "null")]
    [InlineData("peers", "{\"old\": []}")]
    [InlineData("peers", "[[1, 2]]")]
    [InlineData("peersUpdateRequest", "\"abc\"")]
    [InlineData("peersIndex", "-3")]
    [InlineData("peersIndex", "\"7\"")]
    public void A_stored_value_of_the_wrong_type_is_a_storage_error_at_its_record(string key, string json)
    {
        var good = Map(Kv("currentTerm", 4));
        File.WriteAllBytes(RaftFile, [.. good, .. Map(Kv(key, JsonToValue(json)))]);
        var e = Assert.Throws<StorageException>(() => Open());
        Assert.Equal(RaftFile, e.FilePath);
        Assert.Equal(good.Length, e.Offset);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    internal static MessagePackValue JsonToValue(string json) => FromJson(System.Text.Json.JsonDocument.Parse(json).RootElement);

    private static MessagePackValue FromJson(System.Text.Json.JsonElement e) => e.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Null => MessagePackValue.Nil,
        System.Text.Json.JsonValueKind.True => MessagePackValue.True,
        System.Text.Json.JsonValueKind.False => MessagePackValue.False,
        System.Text.Json.JsonValueKind.String => MessagePackValue.From(e.GetString()!),
        System.Text.Json.JsonValueKind.Number => e.TryGetInt64(out var l) ? MessagePackValue.From(l) : MessagePackValue.From(e.GetDouble()),
        System.Text.Json.JsonValueKind.Array => MessagePackValue.Array(e.EnumerateArray().Select(FromJson)),
        _ => MessagePackValue.Map(e.EnumerateObject().Select(p => new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From(p.Name), FromJson(p.Value)))),
    };
}
