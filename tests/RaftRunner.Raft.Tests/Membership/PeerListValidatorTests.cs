using System.Text.Json;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Raft.Tests.Membership;

public sealed class PeerListValidatorTests
{
    private const string U1 = "tcp://127.0.0.1:8041", U2 = "tcp://127.0.0.1:8051", U3 = "tcp://127.0.0.1:8061", U4 = "tcp://127.0.0.1:8071";

    private static readonly ClusterConfiguration Three = ClusterConfiguration.Final([new("id1", U1), new("id2", U2), new("id3", U3)]);

    // ---- every case zmq-raft's own join() decided (tests/vectors/config/generate.js) -----------------------

    public static TheoryData<string> VectorNames => [.. ConfigVectors.Cases.Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Matches_zmq_raft(string name)
    {
        var c = ConfigVectors.Case(name);
        var raw = MessagePackCodec.Decode(Convert.FromHexString(c.GetProperty("msgpack").GetString()!));
        var result = PeerListValidator.Validate(raw, ConfigVectors.Configuration(c.GetProperty("config").GetString()!));
        var expect = c.GetProperty("expect");

        if (c.TryGetProperty("deviation", out _))
        {
            // A documented deviation (non-ASCII hostnames): we refuse, whatever zmq-raft did.
            Assert.False(result.IsAccepted);
            Assert.NotNull(result.ErrorName);
        }
        else if (expect.TryGetProperty("busy", out _))
        {
            Assert.Equal(PeerListValidation.InTransition, result);
        }
        else if (expect.TryGetProperty("accepted", out var accepted))
        {
            Assert.Equal((null, null), (result.ErrorName, result.ErrorMessage));
            Assert.Equal(ConfigVectors.Peers(accepted), result.NewPeers);
        }
        else
        {
            var error = expect.GetProperty("error");
            Assert.Equal((error.GetProperty("name").GetString(), error.GetProperty("message").GetString()), (result.ErrorName, result.ErrorMessage));
            Assert.Null(result.NewPeers);
            Assert.False(result.Busy);
        }
    }

    [Fact]
    public void Vectors_are_present_and_varied()
    {
        var verdicts = ConfigVectors.Cases
            .Select(c => c.GetProperty("expect"))
            .Select(e => e.TryGetProperty("error", out var error) ? error.GetProperty("message").GetString()!.Split('\n')[0] : e.EnumerateObject().First().Name)
            .ToHashSet();
        Assert.True(verdicts.Count >= 20, string.Join(", ", verdicts));
        Assert.True(ConfigVectors.Cases.Count() >= 200);
    }

    // ---- the main rules, readable ---------------------------------------------------------------------------

    [Fact]
    public void Same_ids_in_the_same_order_are_no_change()
    {
        var result = PeerListValidator.Validate(Peers(("id1", U1), ("id2", U2), ("id3", U3)), Three);

        Assert.Equal(("Error", "no change in cluster membership"), (result.ErrorName, result.ErrorMessage));
    }

    [Fact]
    public void Reordered_ids_are_a_change()
    {
        var result = PeerListValidator.Validate(Peers(("id2", U2), ("id1", U1), ("id3", U3)), Three);

        Assert.Equal(["id2", "id1", "id3"], result.NewPeers!.Select(p => p.Id));
    }

    [Fact]
    public void Adding_a_peer_keeps_the_order_given()
    {
        var result = PeerListValidator.Validate(Peers(("id4", U4), ("id1", U1), ("id2", U2), ("id3", U3)), Three);

        Assert.Equal([new("id4", U4), new("id1", U1), new("id2", U2), new PeerInfo("id3", U3)], result.NewPeers);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:8071/")]
    [InlineData("tcp://127.0.0.1:8071/x")]
    [InlineData("tcp://127.0.0.1:8071?x")]
    [InlineData("tcp://[::1]:8071/")]
    public void Path_in_url_is_refused(string url)
    {
        var result = PeerListValidator.Validate(Peers(("id1", U1), ("id4", url)), Three);

        Assert.Equal(("AssertionError", "peer url must have no path"), (result.ErrorName, result.ErrorMessage));
    }

    [Fact]
    public void Bracketed_ipv6_url_without_trailing_slash_is_fine()
    {
        var result = PeerListValidator.Validate(Peers(("id1", U1), ("id4", "tcp://[::1]:8071")), Three);

        Assert.True(result.IsAccepted);
    }

    [Fact]
    public void Transitional_config_is_busy_before_the_list_is_looked_at()
    {
        var joint = ClusterConfiguration.From(ConfigEntryData.Transitional([new("id1", U1)], [new("id1", U1), new("id2", U2)]));

        Assert.True(PeerListValidator.Validate(MessagePackValue.From("garbage"), joint).Busy);
        Assert.True(PeerListValidator.Validate(Peers(("id1", U1)), joint).Busy);
    }

    [Fact]
    public void Not_an_array_is_a_type_error()
    {
        var result = PeerListValidator.Validate(MessagePackValue.From(U1), Three);

        Assert.Equal(("TypeError", "peers must be an array"), (result.ErrorName, result.ErrorMessage));
    }

    [Fact]
    public void Url_string_and_lone_id_forms_use_the_url_as_id()
    {
        var raw = MessagePackValue.Array(MessagePackValue.From(U4), MessagePackValue.Array(MessagePackValue.From(U2)));

        var result = PeerListValidator.Validate(raw, ClusterConfiguration.Final([new("id1", U1)]));

        Assert.Equal([new(U4, U4), new PeerInfo(U2, U2)], result.NewPeers);
    }

    [Fact]
    public void Object_form_without_id_uses_the_url()
    {
        var raw = MessagePackValue.Array(Peer(("id1", U1)), MessagePackValue.Map(Entry("url", MessagePackValue.From(U4))));

        var result = PeerListValidator.Validate(raw, Three);

        Assert.Equal(new PeerInfo(U4, U4), result.NewPeers![1]);
    }

    [Fact]
    public void An_existing_id_must_keep_its_url()
    {
        var result = PeerListValidator.Validate(Peers(("id1", U4), ("id2", U2)), Three);

        Assert.Equal(("AssertionError", "new peers must be consistent with current configuration"), (result.ErrorName, result.ErrorMessage));
    }

    [Fact]
    public void A_new_id_may_not_take_the_url_of_a_removed_peer()
    {
        var result = PeerListValidator.Validate(Peers(("id1", U1), ("id4", U3)), Three);

        Assert.Equal("new peers must be consistent with current configuration", result.ErrorMessage);
    }

    [Fact]
    public void Wrong_protocol_carries_nodes_assert_diff()
    {
        var http = PeerListValidator.Validate(Peers(("id4", "http://127.0.0.1:8071")), Three);
        var udp = PeerListValidator.Validate(Peers(("id4", "udp://127.0.0.1:8071")), Three);

        Assert.Equal("peer url protocol must be tcp:\n+ actual - expected\n\n+ 'http:'\n- 'tcp:'", http.ErrorMessage);
        Assert.Equal("peer url protocol must be tcp:\n\n'udp:' !== 'tcp:'\n", udp.ErrorMessage);
    }

    [Fact]
    public void Auth_is_refused_with_the_decoded_auth_in_the_message()
    {
        var result = PeerListValidator.Validate(Peers(("id4", "tcp://u:p@127.0.0.1:8071")), Three);

        Assert.Equal("peer url must have no auth\n\n'u:p' !== null\n", result.ErrorMessage);
    }

    [Fact]
    public void A_bad_percent_escape_in_auth_makes_url_parse_throw()
    {
        var result = PeerListValidator.Validate(Peers(("id4", "http://%zz@127.0.0.1:8071")), Three);

        Assert.Equal(("URIError", "URI malformed"), (result.ErrorName, result.ErrorMessage));
    }

    [Theory]
    [InlineData("tcp://127.0.0.1", false)]
    [InlineData("tcp://127.0.0.1:0", false)]
    [InlineData("tcp://127.0.0.1:65535", true)]
    [InlineData("tcp://127.0.0.1:65536", false)]
    [InlineData("tcp://127.0.0.1:4294967297", true)] // url.port | 0 wraps to 1
    public void Port_is_read_as_javascripts_url_port_or_zero(string url, bool accepted)
    {
        var result = PeerListValidator.Validate(Peers(("id1", U1), ("id4", url)), Three);

        Assert.Equal(accepted, result.IsAccepted);
        if (!accepted)
            Assert.Equal("peer url port must be in range 1-65535", result.ErrorMessage);
    }

    [Theory]
    [InlineData("tcp://localhost:8071", "peer url must have a valid ip address in hostname")]
    [InlineData("tcp://0.0.0.0:8071", "peer url must not be a placeholder address")]
    [InlineData("tcp://[::]:8071", "peer url must not be a placeholder address")]
    public void Host_must_be_a_usable_ip_literal(string url, string message)
    {
        var result = PeerListValidator.Validate(Peers(("id1", U1), ("id4", url)), Three);

        Assert.Equal(("AssertionError", message), (result.ErrorName, result.ErrorMessage));
    }

    [Fact]
    public void First_bad_peer_decides_the_reply()
    {
        var raw = MessagePackValue.Array(Peer(("", "garbage")), MessagePackValue.From(5));

        var result = PeerListValidator.Validate(raw, Three);

        Assert.Equal("peer id must be a non empty string", result.ErrorMessage);
    }

    private static MessagePackValue Peers(params (string Id, string Url)[] peers) => MessagePackValue.Array(peers.Select(Peer));

    private static MessagePackValue Peer((string Id, string Url) peer) =>
        MessagePackValue.Array(MessagePackValue.From(peer.Id), MessagePackValue.From(peer.Url));

    private static KeyValuePair<MessagePackValue, MessagePackValue> Entry(string key, MessagePackValue value) => new(MessagePackValue.From(key), value);

    /// <summary>tests/vectors/config/vectors.json, copied next to the test assembly.</summary>
    private static class ConfigVectors
    {
        private static readonly Lazy<JsonDocument> Document = new(() =>
            JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "config", "vectors.json"))));

        private static readonly Lazy<Dictionary<string, JsonElement>> ByName = new(() =>
            Cases.ToDictionary(c => c.GetProperty("name").GetString()!, StringComparer.Ordinal));

        public static IEnumerable<JsonElement> Cases => Document.Value.RootElement.GetProperty("cases").EnumerateArray();

        public static JsonElement Case(string name) => ByName.Value[name];

        public static ClusterConfiguration Configuration(string name)
        {
            var config = Document.Value.RootElement.GetProperty("configs").GetProperty(name);
            return config.ValueKind == JsonValueKind.Array
                ? ClusterConfiguration.Final(Peers(config))
                : ClusterConfiguration.From(ConfigEntryData.Transitional(Peers(config.GetProperty("old")), Peers(config.GetProperty("new"))));
        }

        public static PeerInfo[] Peers(JsonElement pairs) =>
            [.. pairs.EnumerateArray().Select(p => new PeerInfo(p[0].GetString()!, p[1].GetString()!))];
    }
}
