using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RaftRunner.WebMonitor;

/// <summary>
/// The web monitor of one node (issue #8, like zmq-raft's webmonitor): an ASP.NET Core server inside the node's
/// process, on the node's www port (DESIGN.md: port + 1, 8042 for node 1). It serves
/// <list type="table">
/// <item><term><c>GET /</c></term><description>the page: every peer live, the newest entries, a form that writes a key</description></item>
/// <item><term><c>GET /status</c></term><description><see cref="ClusterStatus"/> as JSON</description></item>
/// <item><term><c>GET /monitor</c></term><description>Server-Sent Events: <c>event: status</c> with that JSON on every change, a comment line as keep-alive</description></item>
/// <item><term><c>GET /peer?id=ID</c></term><description><c>{"id","url"}</c>: the web monitor url of a peer (as zmq-raft's)</description></item>
/// <item><term><c>POST /write</c></term><description>a form or JSON <c>{key, value}</c>: set through the cluster; <c>{"index",…}</c> once committed</description></item>
/// </list>
/// Everything, the page's files included, comes from this assembly.
/// </summary>
/// <example>
/// <code>
/// await using var monitor = await WebMonitorHost.StartAsync(new WebMonitorOptions
/// {
///     Url = "http://127.0.0.1:8042", Node = node, NodeSettings = settings, LoggerFactory = loggers,
/// });
/// </code>
/// </example>
public sealed class WebMonitorHost : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly ClusterMonitor _monitor;
    private readonly ILogger _log;
    private int _disposed;

    private WebMonitorHost(WebApplication app, ClusterMonitor monitor, string url, ILogger log)
    {
        _app = app;
        _monitor = monitor;
        Url = url;
        _log = log;
    }

    /// <summary>The address the monitor listens on (with the actual port when port 0 was asked for).</summary>
    public string Url { get; }

    /// <summary>The cluster as the monitor sees it now (what /status answers).</summary>
    public ClusterStatus Status => _monitor.Current;

    /// <summary>
    /// Binds <see cref="WebMonitorOptions.Url"/> (that address only), starts serving and starts watching the cluster.
    /// Dispose the result to stop both.
    /// </summary>
    /// <exception cref="WebMonitorBindException">the address cannot be listened on (the port is in use, or the address is not this machine's).</exception>
    /// <exception cref="ArgumentException">the url is not an http url with an IP address, localhost or * as its host.</exception>
    public static async Task<WebMonitorHost> StartAsync(WebMonitorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var endpoint = ListenAddress.Parse(options.Url);
        var loggers = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var log = loggers.CreateLogger("RaftRunner.WebMonitor");

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(WebMonitorHost).Assembly.GetName().Name,
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            endpoint.Listen(kestrel);
        });
        builder.Services.AddRoutingCore();
        // The node's loggers, with ASP.NET Core's own chatter (a line per request) held to warnings.
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(new QuietFrameworkLoggerFactory(loggers)));

        var app = builder.Build();
        var monitor = new ClusterMonitor(options, log);
        Endpoints.Map(app, monitor, options, StaticAssets.Load());
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await monitor.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            var reason = e is IOException { InnerException: SocketException { SocketErrorCode: SocketError.AddressNotAvailable } }
                or SocketException { SocketErrorCode: SocketError.AddressNotAvailable }
                ? "the address is not one of this machine's"
                : IsAddressInUse(e) ? $"port {endpoint.Port} is already in use (another node's monitor, or another program)" : e.Message;
            throw new WebMonitorBindException($"the web monitor cannot listen on {options.Url}: {reason}", e);
        }
        catch
        {
            await monitor.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? endpoint.ToString();
        var url = endpoint.Port == 0 ? bound : endpoint.ToString();
        monitor.Start(endpoint.IsAny || endpoint.Port == 0 ? bound : url);
        log.LogInformation("web monitor of node {Id} at {Url}", options.NodeSettings.NodeId, url);
        return new WebMonitorHost(app, monitor, url, log);
    }

    private static bool IsAddressInUse(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || x.GetType().Name == "AddressInUseException")
                return true;
        }
        return false;
    }

    /// <summary>Stops watching, ends every /monitor stream and stops the server (waiting at most 5 s for requests in flight).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _monitor.DisposeAsync().ConfigureAwait(false); // completes the event streams, so their requests end
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _log.LogWarning("the web monitor's server did not stop within {Seconds} s", StopTimeout.TotalSeconds);
            }
        }
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>An http url to listen on: an IP address, localhost or any, and a port.</summary>
    /// <param name="Address">the address to bind; null for localhost (its loopback addresses) and for any (every interface).</param>
    internal sealed record ListenAddress(string Host, IPAddress? Address, int Port)
    {
        public bool IsAny => Address is null ? Host != "localhost" : Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

        public static ListenAddress Parse(string url)
        {
            BindingAddress parsed;
            try
            {
                parsed = BindingAddress.Parse(url);
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"the web monitor url '{url}' is not an http url like http://127.0.0.1:8042", nameof(url), e);
            }
            if (!string.Equals(parsed.Scheme, "http", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"the web monitor url '{url}' must be http (https is not served)", nameof(url));
            if (parsed.Port is < 0 or > 65535 || !string.IsNullOrEmpty(parsed.PathBase))
                throw new ArgumentException($"the web monitor url '{url}' must be http://HOST:PORT, with no path", nameof(url));
            var host = parsed.Host;
            if (host is "*" or "+")
                return new ListenAddress("*", null, parsed.Port);
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                return parsed.Port != 0
                    ? new ListenAddress("localhost", null, parsed.Port)
                    : throw new ArgumentException($"the web monitor url '{url}' asks for any port on localhost, which is two addresses; use http://127.0.0.1:0", nameof(url));
            }
            if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
                return new ListenAddress(host, address, parsed.Port);
            throw new ArgumentException($"the web monitor url '{url}' must name an IP address, localhost or * to listen on, not the host name '{host}'", nameof(url));
        }

        public void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel)
        {
            if (Address is not null)
                kestrel.Listen(Address, Port);
            else if (Host == "localhost")
                kestrel.ListenLocalhost(Port);
            else
                kestrel.ListenAnyIP(Port);
        }

        public override string ToString()
        {
            var host = Address is null ? Host : Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();
            return $"http://{host}:{Port}";
        }
    }

    /// <summary>The node's logger factory, with ASP.NET Core's own categories held to warnings and above.</summary>
    private sealed class QuietFrameworkLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
        {
            var logger = inner.CreateLogger(categoryName);
            return categoryName.StartsWith("Microsoft.", StringComparison.Ordinal) ? new MinimumLevelLogger(logger, LogLevel.Warning) : logger;
        }

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
            // The node owns the inner factory.
        }
    }

    private sealed class MinimumLevelLogger(ILogger inner, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
