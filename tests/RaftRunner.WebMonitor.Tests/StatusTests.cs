using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RaftRunner.Actors;
using RaftRunner.WebMonitor.Tests.Testing;

namespace RaftRunner.WebMonitor.Tests;

/// <summary>/status, /peer, /write and the page's files, against a running three-node cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StatusTests(ClusterFixture fixture)
{
    private MonitoredCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Status_shows_every_peer_one_leader_and_this_node()
    {
        using var http = MonitorHttp.Client(Cluster["n2"].WebUrl);
        var status = await MonitorHttp.StatusWhenAsync(http, s => MonitorHttp.Settled(s), what: "a settled cluster");

        Assert.Equal("n2", status.GetProperty("nodeId").GetString());
        Assert.Equal("test cluster", status.GetProperty("label").GetString());
        var peers = status.GetProperty("peers").EnumerateArray().ToArray();
        Assert.Equal(["n1", "n2", "n3"], peers.Select(p => p.GetProperty("id").GetString()));
        var leaderId = status.GetProperty("leaderId").GetString();
        var leader = Assert.Single(peers, p => p.GetProperty("isLeader").GetBoolean());
        Assert.Equal(leaderId, leader.GetProperty("id").GetString());
        Assert.Equal("leader", leader.GetProperty("role").GetString());
        Assert.All(peers.Where(p => !p.GetProperty("isLeader").GetBoolean()), p => Assert.Equal("follower", p.GetProperty("role").GetString()));
        Assert.Single(peers, p => p.GetProperty("isSelf").GetBoolean() && p.GetProperty("id").GetString() == "n2");

        // The node's own view agrees.
        var own = await Cluster.NodeStatusAsync("n2");
        Assert.Equal(own.LeaderId, leaderId);

        foreach (var peer in peers)
        {
            var member = Cluster[peer.GetProperty("id").GetString()!];
            Assert.Equal(member.Settings.Url, peer.GetProperty("url").GetString());
            Assert.Equal(member.WebUrl, peer.GetProperty("www").GetString()); // its own or learned with 'W'
            Assert.True(peer.GetProperty("reachable").GetBoolean());
            Assert.Equal(JsonValueKind.Null, peer.GetProperty("error").ValueKind);
            Assert.Equal(status.GetProperty("term").GetInt64(), peer.GetProperty("term").GetInt64());
            foreach (var field in new[] { "firstIndex", "snapshotIndex", "commitIndex", "lastApplied", "lastIndex", "snapshotSize", "pruneIndex", "lag" })
                Assert.Equal(JsonValueKind.Number, peer.GetProperty(field).ValueKind);
            Assert.Equal(peer.GetProperty("firstIndex").GetInt64() - 1, peer.GetProperty("snapshotIndex").GetInt64());
        }
    }

    [Fact]
    public async Task Indexes_lag_and_recent_entries_follow_the_writes()
    {
        using var http = MonitorHttp.Client(Cluster["n1"].WebUrl);
        long index = 0;
        for (var i = 0; i < 30; i++)
            index = await Cluster.SetAsync("n3", $"fruit-{i}", i == 29 ? "dragon fruit 🐉" : $"value {i}");

        var status = await MonitorHttp.StatusWhenAsync(http,
            s => s.GetProperty("commitIndex").GetInt64() >= index
                 && s.GetProperty("peers").EnumerateArray().All(p => p.GetProperty("lastApplied").GetInt64() >= index && p.GetProperty("lag").GetInt64() == 0)
                 && s.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("index").GetInt64() == index),
            what: $"every peer at {index} with the entry listed");

        var entries = status.GetProperty("entries").EnumerateArray().ToArray();
        Assert.InRange(entries.Length, 1, 20);
        Assert.Equal(entries.Select(e => e.GetProperty("index").GetInt64()).OrderDescending(), entries.Select(e => e.GetProperty("index").GetInt64()));
        var newest = entries[0];
        Assert.Equal(index, newest.GetProperty("index").GetInt64());
        Assert.Equal("state", newest.GetProperty("type").GetString());
        Assert.Equal("set", newest.GetProperty("op").GetString());
        Assert.Equal("fruit-29", newest.GetProperty("key").GetString());
        Assert.Equal("dragon fruit 🐉", newest.GetProperty("value").GetString());
        Assert.Equal(24, newest.GetProperty("requestId").GetString()!.Length);
        Assert.Equal(JsonValueKind.String, newest.GetProperty("time").ValueKind);

        // More than 25 applied: every node has taken a snapshot, and says so.
        await MonitorHttp.StatusWhenAsync(http,
            s => s.GetProperty("peers").EnumerateArray().All(p => p.GetProperty("snapshotSize").GetInt64() > 0),
            what: "a snapshot on every peer");
    }

    [Fact]
    public async Task A_form_writes_a_key_through_the_cluster()
    {
        using var http = MonitorHttp.Client(Cluster["n3"].WebUrl);
        var before = (await MonitorHttp.StatusAsync(http)).GetProperty("commitIndex").GetInt64();

        using var response = await http.PostAsync(new Uri("/write", UriKind.Relative),
            new FormUrlEncodedContent([new("key", "colour"), new("value", "ultramarine")]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var answer = JsonDocument.Parse(body).RootElement;
        var index = answer.GetProperty("index").GetInt64();
        Assert.True(index > before, $"committed at {index}, after {before}");
        Assert.Equal("colour", answer.GetProperty("key").GetString());

        var status = await MonitorHttp.StatusWhenAsync(http,
            s => s.GetProperty("commitIndex").GetInt64() >= index && s.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("index").GetInt64() == index),
            what: $"commit index {index}");
        var entry = status.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("index").GetInt64() == index);
        Assert.Equal("colour", entry.GetProperty("key").GetString());
        Assert.Equal("ultramarine", entry.GetProperty("value").GetString());
        Assert.Equal(answer.GetProperty("requestId").GetString(), entry.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Json_writes_a_key_and_the_state_machine_has_it()
    {
        using var http = MonitorHttp.Client(Cluster["n1"].WebUrl);
        using var response = await http.PostAsJsonAsync(new Uri("/write", UriKind.Relative), new { key = "planet", value = "Neptune" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var index = JsonDocument.Parse(body).RootElement.GetProperty("index").GetInt64();

        var value = await Cluster["n2"].Node.Ask<RaftRunner.Node.QueryAnswered>(
            new RaftRunner.Node.QueryState(RaftRunner.Node.StateMachines.KeyValueCommands.Get("planet")), TimeSpan.FromSeconds(10));
        Assert.Equal("Neptune", Encoding.UTF8.GetString(RaftRunner.Node.StateMachines.KeyValueCommands.ReadValue(value.Response.Span)!));
        Assert.True(index > 0);
    }

    [Theory]
    [InlineData("", "v", "key must not be empty")]
    [InlineData("   ", "v", "key must not be empty")]
    public async Task An_empty_key_is_refused_with_400(string key, string value, string message)
    {
        using var http = MonitorHttp.Client(Cluster["n1"].WebUrl);
        var before = (await MonitorHttp.StatusAsync(http)).GetProperty("commitIndex").GetInt64();

        using var form = await http.PostAsync(new Uri("/write", UriKind.Relative), new FormUrlEncodedContent([new("key", key), new("value", value)]));
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Equal(message, (await form.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        using var json = await http.PostAsJsonAsync(new Uri("/write", UriKind.Relative), new { key, value });
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal(message, (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        using var missing = await http.PostAsync(new Uri("/write", UriKind.Relative), new FormUrlEncodedContent([new("value", value)]));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);

        await Task.Delay(300);
        Assert.Equal(before, (await MonitorHttp.StatusAsync(http)).GetProperty("commitIndex").GetInt64()); // nothing was written
    }

    [Fact]
    public async Task Other_bad_writes_are_refused_with_a_reason()
    {
        using var http = MonitorHttp.Client(Cluster["n1"].WebUrl);
        var write = new Uri("/write", UriKind.Relative);

        async Task Refused(HttpContent content, HttpStatusCode expected, string contains, Action<HttpRequestMessage>? adjust = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, write) { Content = content };
            adjust?.Invoke(request);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {body}");
            Assert.Contains(contains, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        await Refused(new StringContent("{not json", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "not valid JSON");
        await Refused(new StringContent("[1,2]", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "JSON object");
        await Refused(new StringContent("{\"key\": 5}", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "JSON strings");
        await Refused(new StringContent("key=a", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, "send a form");
        await Refused(new FormUrlEncodedContent([new("key", new string('k', 1025))]), HttpStatusCode.BadRequest, "key must be at most 1,024 characters");
        await Refused(new FormUrlEncodedContent([new("key", "big"), new("value", new string('v', 70_000))]), HttpStatusCode.BadRequest, "value must be at most 65,536 bytes");
        // Another site's page, through a visitor's browser.
        await Refused(new FormUrlEncodedContent([new("key", "evil"), new("value", "1")]), HttpStatusCode.Forbidden, "own page",
            r => r.Headers.Add("Origin", "http://attacker.example"));
        await Refused(new FormUrlEncodedContent([new("key", "evil"), new("value", "1")]), HttpStatusCode.Forbidden, "own page",
            r => r.Headers.Add("Sec-Fetch-Site", "cross-site"));
    }

    [Fact]
    public async Task The_same_origin_is_let_through()
    {
        var url = Cluster["n1"].WebUrl;
        using var http = MonitorHttp.Client(url);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/write", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("key", "same-origin"), new("value", "ok")]),
        };
        request.Headers.Add("Origin", url);
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Peer_gives_a_peers_monitor_url_as_zmq_raft_does()
    {
        using var http = MonitorHttp.Client(Cluster["n1"].WebUrl);
        var peer = await http.GetFromJsonAsync<JsonElement>(new Uri("/peer?id=n3", UriKind.Relative));
        Assert.Equal("n3", peer.GetProperty("id").GetString());
        Assert.Equal(Cluster["n3"].WebUrl, peer.GetProperty("url").GetString());

        using var none = await http.GetAsync(new Uri("/peer", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        using var unknown = await http.GetAsync(new Uri("/peer?id=n9", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_page_is_served_from_the_assembly_with_nothing_from_elsewhere()
    {
        using var http = MonitorHttp.Client(Cluster["n1"].WebUrl);
        using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"write-form\"", html, StringComparison.Ordinal);

        foreach (var (path, type) in new[] { ("/assets/app.js", "text/javascript"), ("/assets/app.css", "text/css"), ("/assets/favicon.svg", "image/svg+xml") })
        {
            using var asset = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
            var text = await asset.Content.ReadAsStringAsync();
            Assert.DoesNotContain("https://", text, StringComparison.Ordinal); // no CDN, no web font
            Assert.DoesNotContain("//cdn", text, StringComparison.Ordinal);

            // Revalidation: the same ETag gets 304.
            using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            again.Headers.IfNoneMatch.Add(asset.Headers.ETag!);
            using var notModified = await http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        using var missing = await http.GetAsync(new Uri("/assets/nothing.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var wrongMethod = await http.PostAsync(new Uri("/status", UriKind.Relative), new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }
}
