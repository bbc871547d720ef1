using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RaftRunner.WebMonitor.Tests.Testing;

namespace RaftRunner.WebMonitor.Tests;

/// <summary>/monitor: Server-Sent Events with the status JSON on every change.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MonitorStreamTests(ClusterFixture fixture)
{
    private MonitoredCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Monitor_sends_the_status_at_once_and_again_when_the_commit_index_moves()
    {
        using var http = MonitorHttp.Client(Cluster["n1"].WebUrl);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await http.GetAsync(new Uri("/monitor", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var events = new SseReader(stream);

        var first = await events.NextAsync(timeout.Token);
        Assert.Equal("status", first.Event);
        var status = JsonDocument.Parse(first.Data).RootElement;
        Assert.Equal("n1", status.GetProperty("nodeId").GetString());
        Assert.Equal(status.GetProperty("version").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), first.Id);
        Assert.Equal(3, status.GetProperty("peers").GetArrayLength());
        var before = status.GetProperty("commitIndex").GetInt64();

        using var write = await http.PostAsJsonAsync(new Uri("/write", UriKind.Relative), new { key = "streamed", value = "yes" }, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        var index = (await write.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("index").GetInt64();
        Assert.True(index > before);

        var version = status.GetProperty("version").GetInt64();
        while (true)
        {
            var next = await events.NextAsync(timeout.Token);
            var update = JsonDocument.Parse(next.Data).RootElement;
            Assert.True(update.GetProperty("version").GetInt64() > version, "versions only go up");
            version = update.GetProperty("version").GetInt64();
            if (update.GetProperty("commitIndex").GetInt64() >= index
                && update.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("key").GetString() == "streamed"))
                break;
        }
    }

    [Fact]
    public async Task An_idle_stream_gets_keep_alives_and_no_repeated_status()
    {
        // A second monitor on n2 with a short keep-alive; the cluster is idle, so nothing changes after the first event.
        var member = Cluster["n2"];
        await using var monitor = await WebMonitorHost.StartAsync(new WebMonitorOptions
        {
            Url = $"http://127.0.0.1:{FreePort.Next()}",
            Node = member.Node,
            NodeSettings = member.Settings,
            KeepAliveInterval = TimeSpan.FromMilliseconds(300),
        });
        using var http = MonitorHttp.Client(monitor.Url);
        var index = await Cluster.SetAsync("n2", "before-the-quiet", "1");
        await MonitorHttp.StatusWhenAsync(http,
            s => MonitorHttp.Settled(s) && s.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("index").GetInt64() == index),
            what: "a settled cluster with its entries read");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await http.GetAsync(new Uri("/monitor", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(2))
            lines.Add(await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the stream ended"));

        Assert.Contains("retry: 2000", lines);
        Assert.True(lines.Count(l => l == ": keep-alive") >= 3, string.Join("\n", lines));
        var data = lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToArray();
        Assert.True(data.Length == 1, "an idle cluster sends one status only:\n" + string.Join("\n", data)); // an idle cluster: one status only
    }

    /// <summary>Reads Server-Sent Events (id, event, data) from a stream.</summary>
    private sealed class SseReader(Stream stream) : IDisposable
    {
        private readonly StreamReader _reader = new(stream);

        public async Task<(string? Id, string Event, string Data)> NextAsync(CancellationToken ct)
        {
            string? id = null, name = null;
            var data = new List<string>();
            while (true)
            {
                var line = await _reader.ReadLineAsync(ct) ?? throw new InvalidOperationException("the stream ended");
                if (line.Length == 0)
                {
                    if (data.Count > 0)
                        return (id, name ?? "message", string.Join('\n', data));
                    continue;
                }
                if (line.StartsWith(':'))
                    continue; // a comment: keep-alive
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "id": id = value; break;
                    case "event": name = value; break;
                    case "data": data.Add(value); break;
                }
            }
        }

        public void Dispose() => _reader.Dispose();
    }
}
