using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RaftRunner.Actors;
using RaftRunner.Node;
using RaftRunner.Protocol;

namespace RaftRunner.WebMonitor.Tests;

/// <summary>Binding, failing to bind, and stopping — with no cluster behind the monitor (it says so in nodeError).</summary>
public sealed class HostingTests
{
    private static NodeSettings Settings(int port) => new()
    {
        NodeId = "solo",
        Url = $"tcp://127.0.0.1:{port}",
        BindUrl = $"tcp://127.0.0.1:{port}",
        DataDirectory = Path.Combine(Path.GetTempPath(), "rr-webmonitor-unused"),
        Peers = [new PeerInfo("solo", $"tcp://127.0.0.1:{port}")],
    };

    private static WebMonitorOptions Options(string url) => new() { Url = url, Node = ActorRefs.Nobody, NodeSettings = Settings(FreePort.Next()) };

    [Fact]
    public async Task A_port_in_use_fails_fast_with_a_clear_exception()
    {
        var port = FreePort.Next();
        using var taken = new TcpListener(IPAddress.Loopback, port);
        taken.Start();

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<WebMonitorBindException>(() => WebMonitorHost.StartAsync(Options($"http://127.0.0.1:{port}")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains($"http://127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"port {port} is already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_monitor_on_the_same_port_fails_and_the_first_keeps_serving()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        await using var first = await WebMonitorHost.StartAsync(Options(url));
        await Assert.ThrowsAsync<WebMonitorBindException>(() => WebMonitorHost.StartAsync(Options(url)));
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/status", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Only_the_given_address_is_bound()
    {
        var port = FreePort.Next();
        await using var monitor = await WebMonitorHost.StartAsync(Options($"http://127.0.0.1:{port}"));
        Assert.Equal($"http://127.0.0.1:{port}", monitor.Url);

        // Another loopback address keeps the port free: the monitor did not bind every interface.
        using var other = new TcpListener(IPAddress.Parse("127.0.0.2"), port);
        other.Start();
        other.Stop();
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Parse("127.0.0.2"), port));
    }

    [Fact]
    public async Task Port_zero_picks_a_free_port_and_the_url_says_which()
    {
        await using var monitor = await WebMonitorHost.StartAsync(Options("http://127.0.0.1:0"));
        var port = new Uri(monitor.Url).Port;
        Assert.NotEqual(0, port);
        using var http = new HttpClient { BaseAddress = new Uri(monitor.Url) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Stopping_ends_the_event_streams_and_frees_the_port()
    {
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}";
        var monitor = await WebMonitorHost.StartAsync(Options(url));
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var response = await http.GetAsync(new Uri("/monitor", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        Assert.Equal("retry: 2000", await reader.ReadLineAsync());

        var clock = Stopwatch.StartNew();
        await monitor.DisposeAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"stopping took {clock.Elapsed}");

        // The stream ends (or breaks) rather than hanging.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is not null)
            {
            }
        }
        catch (IOException)
        {
            // the server closed the connection: ended too
        }
        Assert.False(timeout.IsCancellationRequested, "the event stream was still open after the monitor stopped");

        using var again = new TcpListener(IPAddress.Loopback, port);
        again.Start(); // the port is free again
        await monitor.DisposeAsync(); // twice is harmless
    }

    [Fact]
    public async Task A_monitor_whose_node_is_gone_says_so()
    {
        await using var monitor = await WebMonitorHost.StartAsync(Options("http://127.0.0.1:0"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (monitor.Status.NodeError is null && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Contains("solo", monitor.Status.NodeError, StringComparison.Ordinal);
        var peer = Assert.Single(monitor.Status.Peers);
        Assert.True(peer.IsSelf);
    }

    [Theory]
    [InlineData("https://127.0.0.1:8042", "must be http")]
    [InlineData("http://example.com:8042", "must name an IP address")]
    [InlineData("http://127.0.0.1:8042/monitor", "no path")]
    [InlineData("127.0.0.1:8042", "not an http url")]
    [InlineData("http://localhost:0", "use http://127.0.0.1:0")]
    public async Task A_bad_url_is_an_argument_error(string url, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => WebMonitorHost.StartAsync(Options(url)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8042", "http://127.0.0.1:8042", false)]
    [InlineData("http://[::1]:8042", "http://[::1]:8042", false)]
    [InlineData("http://localhost:8042", "http://localhost:8042", false)]
    [InlineData("http://*:8042", "http://*:8042", true)]
    [InlineData("http://0.0.0.0:8042", "http://0.0.0.0:8042", true)]
    public void Urls_are_read_as_addresses(string url, string normal, bool any)
    {
        var address = WebMonitorHost.ListenAddress.Parse(url);
        Assert.Equal(normal, address.ToString());
        Assert.Equal(any, address.IsAny);
        Assert.Equal(8042, address.Port);
    }
}
