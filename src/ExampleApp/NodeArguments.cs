using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using RaftRunner.Protocol;

namespace ExampleApp;

/// <summary>
/// The command line: <c>--id n1 --port 9001 --data ./data/n1 --peers n1=tcp://127.0.0.1:9001,n2=… [--host 127.0.0.1]</c>.
/// Leaving this node's id out of <c>--peers</c> makes it join the cluster those peers are in.
/// </summary>
internal sealed record NodeArguments(string Id, int Port, string DataDirectory, IReadOnlyList<PeerInfo> Peers, string Host)
{
    public const string Usage = "usage: ExampleApp --id ID --port PORT --data DIR --peers ID=tcp://HOST:PORT,... [--host HOST]";

    /// <summary>False with a one-line error for anything missing, unknown or malformed.</summary>
    public static bool TryParse(string[] args, [NotNullWhen(true)] out NodeArguments? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] is not ("--id" or "--port" or "--data" or "--peers" or "--host"))
                return Fail($"unknown argument '{args[i]}'", out error);
            if (i + 1 >= args.Length)
                return Fail($"{args[i]} needs a value", out error);
            options[args[i]] = args[i + 1];
        }
        foreach (var required in new[] { "--id", "--port", "--data", "--peers" })
        {
            if (!options.ContainsKey(required))
                return Fail($"{required} is missing", out error);
        }
        if (!int.TryParse(options["--port"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return Fail($"--port must be a number from 1 to 65535, not '{options["--port"]}'", out error);
        var peers = new List<PeerInfo>();
        foreach (var pair in options["--peers"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (pair.Split('=') is not [var peerId, var url] || peerId.Length == 0 || !url.StartsWith("tcp://", StringComparison.Ordinal))
                return Fail($"--peers: '{pair}' is not ID=tcp://HOST:PORT", out error);
            peers.Add(new PeerInfo(peerId, url));
        }
        if (peers.Count == 0)
            return Fail("--peers names no peer", out error);
        var id = options["--id"];
        var host = options.GetValueOrDefault("--host", "127.0.0.1");
        // The facade listens at tcp://HOST:PORT; a different url for us in --peers would tell the others a wrong address.
        var ourUrl = $"tcp://{host}:{port}";
        if (peers.Any(p => p.Id == id && p.Url != ourUrl))
            return Fail($"--peers gives {id} a url other than {ourUrl} (from --host and --port)", out error);
        parsed = new NodeArguments(id, port, options["--data"], peers, host);
        error = null;
        return true;
    }

    private static bool Fail(string message, [NotNullWhen(false)] out string? error)
    {
        error = message;
        return false;
    }
}
