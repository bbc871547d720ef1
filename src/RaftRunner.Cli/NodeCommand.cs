using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Hocon;
using RaftRunner.Node;
using RaftRunner.Node.StateMachines;

namespace RaftRunner.Cli;

/// <summary>
/// <c>raft-runner node --id ID --port PORT --data DIR --peers PEERS [--ip IP] [--secret S] [--www PORT|off]
/// [--pub PORT] [--config FILE]</c>: one node with the built-in key-value state machine, until SIGINT/SIGTERM.
/// </summary>
internal static class NodeCommand
{
    private static readonly Option<string> Id = new("--id") { Description = "this node's peer id", Required = true };
    private static readonly Option<int> Port = new("--port") { Description = "port of the node's ROUTER socket (Raft RPCs and clients)", Required = true };
    private static readonly Option<string> Data = new("--data") { Description = "the node's data directory (zmq-raft layout inside)", Required = true };
    private static readonly Option<string> Peers = new("--peers") { Description = "the cluster: JSON [{\"id\",\"url\",\"www\",\"pub\"}, …] or id1=tcp://host:port,…", Required = true };
    private static readonly Option<string> Ip = new("--ip") { Description = "address peers and clients reach this node at", DefaultValueFactory = _ => "127.0.0.1" };
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
        var id = parsed.GetValue(Id)!;
        var port = parsed.GetValue(Port);
        if (port is < 1 or > 65533)
            return Cli.Fail($"--port must be between 1 and 65533, not {port}");
        if (!SeedPeers.TryParse(parsed.GetValue(Peers)!, out var peers, out var error))
            return Cli.Fail(error!);
        var www = parsed.GetValue(Www);
        int? wwwPort = null;
        if (www is not null && www != "off")
        {
            if (!int.TryParse(www, NumberStyles.None, CultureInfo.InvariantCulture, out var w) || w is < 1 or > 65535)
                return Cli.Fail($"--www must be a port or off, not '{www}'");
            wwwPort = w;
        }
        var configFile = parsed.GetValue(ConfigFile);
        if (configFile is not null && !configFile.Exists)
            return Cli.Fail($"--config: {configFile.FullName} does not exist");

        Config config;
        try
        {
            config = Overrides(id, port, parsed.GetValue(Data)!, parsed.GetValue(Ip)!, parsed.GetValue(Secret), www == "off", wwwPort, parsed.GetValue(Pub), peers);
            if (configFile is not null)
                config = config.WithFallback(HoconConfig.ParseFile(configFile.FullName));
        }
        catch (ConfigurationException e)
        {
            return Cli.Fail(e.Message);
        }
        return RunNode(config);
    }

    /// <summary>The command line as HOCON, over the --config file and reference.conf.</summary>
    private static Config Overrides(string id, int port, string data, string ip, string? secret, bool wwwOff, int? wwwPort, int? pubPort, IReadOnlyList<SeedPeer> peers)
    {
        static string Q(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var text = new StringBuilder();
        text.Append("raft-runner.node {\n");
        // Sockets bind to the address the node is reached at (not every interface): tests and local clusters
        // stay on 127.0.0.1; a --config file can still set bind-ip = "*".
        text.Append(CultureInfo.InvariantCulture, $"  id = {Q(id)}\n  port = {port}\n  ip = {Q(ip)}\n  bind-ip = {Q(ip)}\n  data-dir = {Q(Path.GetFullPath(data))}\n");
        text.Append(CultureInfo.InvariantCulture, $"}}\nraft-runner.broadcast.bind-ip = {Q(ip)}\nraft-runner.node {{\n");
        if (secret is not null)
            text.Append(CultureInfo.InvariantCulture, $"  secret = {Q(secret)}\n");
        if (wwwPort is { } w)
            text.Append(CultureInfo.InvariantCulture, $"  www-port = {w}\n");
        if (pubPort is { } p)
            text.Append(CultureInfo.InvariantCulture, $"  pub-port = {p}\n");
        text.Append("  peers = [\n");
        foreach (var peer in peers)
            text.Append(CultureInfo.InvariantCulture, $"    {{ id = {Q(peer.Id)}, url = {Q(peer.Url)} }}\n");
        text.Append("  ]\n}\n");
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
        using var stop = new ManualResetEventSlim();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; }).SetMinimumLevel(LogLevel.Information));
        var system = ActorSystem.Create("raft-runner", config, new ActorSystemOptions { LoggerFactory = loggers });
        try
        {
            var node = system.ActorOf(RaftRunnerActor.Props(settings, new KeyValueStateMachine()), "raft");
            var ended = NodeWatcher.WhenStopped(system, node);
            var log = loggers.CreateLogger("raft-runner");
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
            system.Terminate().Wait(TimeSpan.FromSeconds(2));
        }
        return 0;
    }
}
