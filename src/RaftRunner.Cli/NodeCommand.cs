using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Hocon;
using RaftRunner.Node;
using RaftRunner.Node.StateMachines;
using RaftRunner.WebMonitor;

namespace RaftRunner.Cli;

/// <summary>
/// <c>raft-runner node --id ID --port PORT --data DIR --peers PEERS [--ip IP] [--secret S] [--www PORT|off]
/// [--pub PORT] [--config FILE]</c>: one node with the built-in key-value state machine, until SIGINT/SIGTERM.
/// </summary>
internal static class NodeCommand
{
    // --id, --port, --data and --peers are required unless a --config file gives them; flags override the file.
    private static readonly Option<string?> Id = new("--id") { Description = "this node's peer id (required without --config)" };
    private static readonly Option<int?> Port = new("--port") { Description = "port of the node's ROUTER socket (Raft RPCs and clients; required without --config)" };
    private static readonly Option<string?> Data = new("--data") { Description = "the node's data directory (zmq-raft layout inside; required without --config)" };
    private static readonly Option<string?> Peers = new("--peers") { Description = "the cluster: JSON [{\"id\",\"url\",\"www\",\"pub\"}, …] or id1=tcp://host:port,… (required without --config)" };
    private static readonly Option<string?> Ip = new("--ip") { Description = "address peers and clients reach this node at (default 127.0.0.1, or the --config file's)" };
    private static readonly Option<string?> Secret = new("--secret") { Description = "the cluster ident shared by every peer and client" };
    private static readonly Option<string?> Www = new("--www") { Description = "web monitor port, or off (default: port + 1)" };
    private static readonly Option<int?> Pub = new("--pub") { Description = "broadcast PUB port (default: port + 2)" };
    private static readonly Option<FileInfo?> ConfigFile = new("--config") { Description = "a HOCON file with further raft-runner settings" };

    public static Command Create()
    {
        var command = new Command("node", "run one node with the built-in key-value state machine until SIGINT/SIGTERM");
        foreach (var option in new Option[] { Id, Port, Data, Peers, Ip, Secret, Www, Pub, ConfigFile })
            command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parsed)
    {
        var configFile = parsed.GetValue(ConfigFile);
        if (configFile is null)
        {
            // Without a file, the command line is the whole configuration.
            foreach (var (option, given) in new (string, bool)[] { ("--id", parsed.GetValue(Id) is not null), ("--port", parsed.GetValue(Port) is not null), ("--data", parsed.GetValue(Data) is not null), ("--peers", parsed.GetValue(Peers) is not null) })
            {
                if (!given)
                    return Cli.Fail($"option {option} is required (or give a --config file that sets it)");
            }
        }
        var id = parsed.GetValue(Id);
        var port = parsed.GetValue(Port);
        if (port is < 1 or > 65533)
            return Cli.Fail($"--port must be between 1 and 65533, not {port}");
        IReadOnlyList<SeedPeer>? peers = null;
        if (parsed.GetValue(Peers) is { } peerText)
        {
            if (!SeedPeers.TryParse(peerText, out var parsedPeers, out var error))
                return Cli.Fail(error!);
            peers = parsedPeers;
        }
        var www = parsed.GetValue(Www);
        int? wwwPort = null;
        if (www is not null && www != "off")
        {
            if (!int.TryParse(www, NumberStyles.None, CultureInfo.InvariantCulture, out var w) || w is < 1 or > 65535)
                return Cli.Fail($"--www must be a port or off, not '{www}'");
            wwwPort = w;
        }
        if (configFile is not null && !configFile.Exists)
            return Cli.Fail($"--config: {configFile.FullName} does not exist");

        Config config;
        try
        {
            config = Overrides(id, port, parsed.GetValue(Data), parsed.GetValue(Ip) ?? (configFile is null ? "127.0.0.1" : null), parsed.GetValue(Secret), www == "off", wwwPort, parsed.GetValue(Pub), peers);
            if (configFile is not null)
                config = config.WithFallback(HoconConfig.ParseFile(configFile.FullName));
        }
        catch (ConfigurationException e)
        {
            return Cli.Fail(e.Message);
        }
        return RunNode(config);
    }

    /// <summary>The command line as HOCON (only what was given), over the --config file and reference.conf.</summary>
    private static Config Overrides(string? id, int? port, string? data, string? ip, string? secret, bool wwwOff, int? wwwPort, int? pubPort, IReadOnlyList<SeedPeer>? peers)
    {
        static string Q(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var text = new StringBuilder();
        text.Append("raft-runner.node {\n");
        if (id is not null)
            text.Append(CultureInfo.InvariantCulture, $"  id = {Q(id)}\n");
        if (port is { } p)
            text.Append(CultureInfo.InvariantCulture, $"  port = {p}\n");
        if (data is not null)
            text.Append(CultureInfo.InvariantCulture, $"  data-dir = {Q(Path.GetFullPath(data))}\n");
        if (secret is not null)
            text.Append(CultureInfo.InvariantCulture, $"  secret = {Q(secret)}\n");
        if (wwwPort is { } w)
            text.Append(CultureInfo.InvariantCulture, $"  www-port = {w}\n");
        if (pubPort is { } pub)
            text.Append(CultureInfo.InvariantCulture, $"  pub-port = {pub}\n");
        if (ip is not null)
        {
            // Sockets bind to the address the node is reached at (not every interface): tests and local clusters
            // stay on 127.0.0.1; a --config file without --ip can still set bind-ip = "*".
            text.Append(CultureInfo.InvariantCulture, $"  ip = {Q(ip)}\n  bind-ip = {Q(ip)}\n");
        }
        if (peers is not null)
        {
            text.Append("  peers = [\n");
            foreach (var peer in peers)
            {
                text.Append(CultureInfo.InvariantCulture, $"    {{ id = {Q(peer.Id)}, url = {Q(peer.Url)}");
                if (peer.Www is not null)
                    text.Append(CultureInfo.InvariantCulture, $", www = {Q(peer.Www)}");
                text.Append(" }\n");
            }
            text.Append("  ]\n");
        }
        text.Append("}\n");
        if (ip is not null)
            text.Append(CultureInfo.InvariantCulture, $"raft-runner.broadcast.bind-ip = {Q(ip)}\nraft-runner.www {{ host = {Q(ip)}, bind = {Q(ip)} }}\n");
        if (wwwOff)
            text.Append("raft-runner.www.enable = off\n");
        return HoconConfig.Parse(text.ToString());
    }

    private static int RunNode(Config config)
    {
        NodeSettings settings;
        try
        {
            settings = NodeSettings.From(config);
        }
        catch (ConfigurationException e)
        {
            return Cli.Fail(e.Message);
        }
        if (NodePreflight.Check(settings) is { } problem)
            return Cli.Fail(problem);
        if (MonitorPortProblem(config, settings) is { } monitorProblem)
            return Cli.Fail(monitorProblem);
        using var stop = new ManualResetEventSlim();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; }).SetMinimumLevel(CliLogging.Level(LogLevel.Information)));
        var system = ActorSystem.Create("raft-runner", config, new ActorSystemOptions { LoggerFactory = loggers });
        WebMonitorHost? monitor = null;
        try
        {
            var node = system.ActorOf(RaftRunnerActor.Props(settings, new KeyValueStateMachine()), "raft");
            var ended = NodeWatcher.WhenStopped(system, node);
            var log = loggers.CreateLogger("raft-runner");
            try
            {
                monitor = StartMonitor(config, settings, node, loggers);
            }
            catch (WebMonitorBindException e)
            {
                return Cli.Fail(e.Message);
            }
            log.LogInformation("node {Id} starting at {Url} (data in {Data}); SIGINT or SIGTERM stops it", settings.NodeId, settings.Url, settings.DataDirectory);
            var signalled = WaitHandle.WaitAny([stop.WaitHandle, ((IAsyncResult)ended).AsyncWaitHandle]) == 0;
            if (!signalled)
            {
                log.LogCritical("node {Id} stopped on its own (see above); exiting with 1", settings.NodeId);
                return 1;
            }
            log.LogInformation("stopping");
        }
        finally
        {
            monitor?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(6));
            system.Terminate().Wait(TimeSpan.FromSeconds(2));
        }
        return 0;
    }

    /// <summary>Before anything is written: the monitor's port must be free (the node would otherwise start, then fail).</summary>
    private static string? MonitorPortProblem(Config config, NodeSettings settings)
    {
        if (settings.WebMonitorUrl is not { } announced)
            return null;
        var bind = config.WithFallback(HoconConfig.Reference).Resolve().GetString("raft-runner.www.bind");
        var address = bind is "::" or "*" or "0.0.0.0" ? System.Net.IPAddress.IPv6Any
            : System.Net.IPAddress.TryParse(bind, out var ip) ? ip : System.Net.IPAddress.Loopback;
        var port = new Uri(announced).Port;
        try
        {
            var listener = new System.Net.Sockets.TcpListener(address, port);
            listener.Start();
            listener.Stop();
            return null;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return $"--www: port {port} of the web monitor is not available ({e.Message}); choose another with --www PORT or turn it off with --www off";
        }
    }

    /// <summary>The web monitor on the node's www port (raft-runner.www), bound to raft-runner.www.bind; null when off.</summary>
    private static WebMonitorHost? StartMonitor(Config config, NodeSettings settings, IActorRef node, ILoggerFactory loggers)
    {
        if (settings.WebMonitorUrl is not { } announced)
            return null;
        var resolved = config.WithFallback(HoconConfig.Reference).Resolve();
        var bind = resolved.GetString("raft-runner.www.bind");
        var host = bind is "::" or "*" or "0.0.0.0" ? "*" : bind.Contains(':', StringComparison.Ordinal) ? $"[{bind}]" : bind;
        var webUrls = resolved.GetConfigList("raft-runner.node.peers")
            .Where(p => p.HasPath("www"))
            .ToDictionary(p => p.GetString("id"), p => p.GetString("www"));
        return WebMonitorHost.StartAsync(new WebMonitorOptions
        {
            Url = $"http://{host}:{new Uri(announced).Port.ToString(CultureInfo.InvariantCulture)}",
            Node = node,
            NodeSettings = settings,
            LoggerFactory = loggers,
            Label = resolved.GetString("raft-runner.www.label"),
            PeerWebUrls = webUrls,
        }).GetAwaiter().GetResult();
    }
}
