using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using RaftRunner.Client;

namespace RaftRunner.Cli;

/// <summary>
/// The options of the commands that talk to a running cluster as a client (config, bench): <c>--peers URLS</c>,
/// <c>--secret S</c>, <c>--json</c>, <c>--timeout SECONDS</c>. Any zmq-raft-compatible cluster will do: RaftRunner's
/// nodes, zmq-raft's, or both.
/// </summary>
internal sealed class ClusterOptions
{
    /// <summary>The environment variable a node reads its secret from (reference.conf); the tools read it too.</summary>
    public const string SecretVariable = "RAFT_RUNNER_SECRET";

    public ClusterOptions(bool recursive, double defaultTimeoutSeconds)
    {
        Peers = new Option<string>("--peers")
        {
            Description = "some of the cluster's peers: tcp://host:port,… or id=tcp://host:port,… or the seed's JSON",
            HelpName = "urls",
            Recursive = recursive,
        };
        Secret = new Option<string?>("--secret")
        {
            Description = $"the cluster ident (zmq-raft's secret; default: ${SecretVariable}, else empty)",
            HelpName = "s",
            Recursive = recursive,
        };
        Json = new Option<bool>("--json")
        {
            Description = "print JSON for scripts instead of text",
            Recursive = recursive,
        };
        Timeout = new Option<double>("--timeout")
        {
            Description = "seconds the command may wait for the cluster",
            HelpName = "seconds",
            DefaultValueFactory = _ => defaultTimeoutSeconds,
            Recursive = recursive,
        };
    }

    public Option<string> Peers { get; }

    public Option<string?> Secret { get; }

    public Option<bool> Json { get; }

    public Option<double> Timeout { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Peers);
        command.Options.Add(Secret);
        command.Options.Add(Json);
        command.Options.Add(Timeout);
    }

    /// <summary>What the options say, checked (a <see cref="BadArgumentException"/> names the bad one).</summary>
    public ClusterArguments Read(ParseResult parsed)
    {
        var peers = parsed.GetValue(Peers) ?? throw new BadArgumentException("--peers is required: some of the cluster's peers, e.g. tcp://127.0.0.1:8041");
        var urls = ParseUrls(peers);
        var timeout = parsed.GetValue(Timeout);
        if (!double.IsFinite(timeout) || timeout <= 0 || timeout > 86_400)
            throw new BadArgumentException($"--timeout must be a number of seconds above 0 (at most a day), not {timeout.ToString(CultureInfo.InvariantCulture)}");
        var secret = parsed.GetValue(Secret);
        string description;
        if (secret is not null)
        {
            description = $"secret '{secret}'";
        }
        else if (Environment.GetEnvironmentVariable(SecretVariable) is { } fromEnvironment)
        {
            secret = fromEnvironment;
            description = $"the secret in ${SecretVariable}";
        }
        else
        {
            secret = "";
            description = "the empty secret (no --secret given)";
        }
        return new ClusterArguments(urls, secret, description, parsed.GetValue(Json), TimeSpan.FromSeconds(timeout));
    }

    /// <summary>
    /// The urls of <c>--peers</c>: <c>tcp://host:port</c> items, <c>id=tcp://host:port</c> items (the node command's
    /// form; ids are ignored, the cluster tells its own) or the seed's JSON, comma-separated.
    /// </summary>
    public static IReadOnlyList<string> ParseUrls(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
            throw new BadArgumentException("--peers is empty");
        if (text.StartsWith('['))
        {
            if (!SeedPeers.TryParse(text, out var seed, out var error))
                throw new BadArgumentException(error!);
            return [.. seed.Select(p => p.Url).Distinct(StringComparer.Ordinal)];
        }
        var urls = new List<string>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var url = part;
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0 && !part.StartsWith("tcp://", StringComparison.Ordinal))
            {
                if (eq == 0)
                    throw new BadArgumentException($"--peers: '{part}' has an empty id");
                url = part[(eq + 1)..];
            }
            if (!SeedPeers.IsTcpUrl(url))
                throw new BadArgumentException($"--peers: '{part}' is not tcp://HOST:PORT (or ID=tcp://HOST:PORT)");
            if (!urls.Contains(url, StringComparer.Ordinal))
                urls.Add(url);
        }
        if (urls.Count == 0)
            throw new BadArgumentException("--peers names no peer");
        return urls;
    }
}

/// <summary>
/// The checked cluster options: where the peers are, the secret and how messages name it (its value only when it
/// came from --secret), --json, --timeout.
/// </summary>
internal sealed record ClusterArguments(IReadOnlyList<string> Urls, string Secret, string SecretDescription, bool Json, TimeSpan Timeout)
{
    /// <summary>A client of the cluster; each call may take at most <paramref name="callTimeout"/> (default: --timeout).</summary>
    public RaftClient CreateClient(ILogger? logger, TimeSpan? callTimeout = null) =>
        new(Urls, new RaftClientOptions { Secret = Secret, CallTimeout = callTimeout ?? Timeout, Logger = logger });
}
