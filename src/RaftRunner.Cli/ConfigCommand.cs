using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RaftRunner.Client;
using RaftRunner.Protocol;

namespace RaftRunner.Cli;

/// <summary>
/// <c>raft-runner config --peers URLS [--secret S] [--json] [--timeout SECONDS] show | add ID=URL | remove ID</c>:
/// the cluster's membership, like zmq-raft's zr-config. <c>show</c> prints the peers and the leader; <c>add</c> and
/// <c>remove</c> send the leader a ConfigUpdate of the current peers plus or minus one (joint consensus) and wait for
/// the final configuration to be committed. While another change is in progress the cluster answers "busy": the
/// change is retried, from a fresh look at the configuration, until --timeout. Two changes made at the same time from
/// different places race: each sends the complete peer list it computed from what it read (zr-config does the same;
/// ConfigUpdate has no compare-and-set), so the later can undo the earlier. Make one change at a time.
/// </summary>
internal static class ConfigCommand
{
    private static readonly ClusterOptions Cluster = new(recursive: true, defaultTimeoutSeconds: 30);

    private static readonly Argument<string> PeerToAdd = new("id=url") { Description = "the new peer: its id and its ROUTER url, e.g. n4=tcp://127.0.0.1:8071" };

    private static readonly Argument<string> PeerToRemove = new("id") { Description = "the id of the peer to take out of the cluster" };

    /// <summary>The most one RPC of a change may take before the change looks afresh at the configuration.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var command = new Command("config", "show or change the cluster's membership, like zmq-raft's zr-config");
        Cluster.AddTo(command);

        var show = new Command("show", "print the cluster's peers and its leader, with each peer's term and log indexes");
        show.SetAction(ShowAsync);

        var add = new Command("add", "add one peer: a ConfigUpdate of the current peers plus ID=URL, then wait for the final configuration");
        add.Arguments.Add(PeerToAdd);
        add.SetAction((parsed, ct) => ChangeAsync(parsed, adding: true, ct));

        var remove = new Command("remove", "remove one peer: a ConfigUpdate of the current peers without ID, then wait for the final configuration");
        remove.Arguments.Add(PeerToRemove);
        remove.SetAction((parsed, ct) => ChangeAsync(parsed, adding: false, ct));

        command.Subcommands.Add(show);
        command.Subcommands.Add(add);
        command.Subcommands.Add(remove);
        return command;
    }

    // ---- show ------------------------------------------------------------------------------------------------

    private static async Task<int> ShowAsync(ParseResult parsed, CancellationToken ct)
    {
        var args = Cluster.Read(parsed);
        using var loggers = CliLogging.ForTool();
        var log = loggers.CreateLogger("raft-runner.config");
        await ClusterProbe.RequireAnswerAsync(args.Urls, args.Secret, args.SecretDescription, Min(args.Timeout, ClusterProbe.DefaultWait), ct).ConfigureAwait(false);
        using var client = args.CreateClient(log);
        var config = await LeaderConfigAsync(client, args.Timeout, ct).ConfigureAwait(false);
        var infos = await PeerInfosAsync(args, config.Peers, log, ct).ConfigureAwait(false);
        Console.Out.WriteLine(args.Json ? ShowJson(config, infos) : ShowText(config, infos));
        return Cli.Ok;
    }

    /// <summary>Each peer's own RequestLogInfo (null: no answer within a couple of seconds), asked in parallel.</summary>
    private static async Task<RaftLogInfo?[]> PeerInfosAsync(ClusterArguments args, IReadOnlyList<PeerInfo> peers, ILogger log, CancellationToken ct)
    {
        using var client = args.CreateClient(log, Min(args.Timeout, TimeSpan.FromSeconds(2)));
        return await Task.WhenAll(peers.Select(async peer =>
        {
            try
            {
                return await client.RequestLogInfoAsync(peer.Url, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        })).ConfigureAwait(false);
    }

    internal static string ShowText(RaftClusterConfig config, IReadOnlyList<RaftLogInfo?> infos)
    {
        var rows = new List<string[]> { new[] { "ID", "URL", "ROLE", "TERM", "COMMIT", "APPLIED", "LAST" } };
        for (var i = 0; i < config.Peers.Count; i++)
        {
            var peer = config.Peers[i];
            var info = i < infos.Count ? infos[i] : null;
            rows.Add(info is null
                ? [peer.Id, peer.Url, peer.Id == config.LeaderId ? "leader, no answer" : "no answer", "", "", "", ""]
                : [peer.Id, peer.Url, info.IsLeader ? "leader" : "follower", N(info.CurrentTerm), N(info.CommitIndex), N(info.LastApplied), N(info.LastIndex)]);
        }
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"leader: {config.LeaderId} ({config.LeaderUrl})\n");
        text.Append(Table(rows));
        return text.ToString().TrimEnd('\n');
    }

    internal static string ShowJson(RaftClusterConfig config, IReadOnlyList<RaftLogInfo?> infos) => JsonLine.Of(w =>
    {
        w.WriteString("leader", config.LeaderId);
        w.WriteString("leader_url", config.LeaderUrl);
        w.WriteStartArray("peers");
        for (var i = 0; i < config.Peers.Count; i++)
        {
            var peer = config.Peers[i];
            var info = i < infos.Count ? infos[i] : null;
            w.WriteStartObject();
            w.WriteString("id", peer.Id);
            w.WriteString("url", peer.Url);
            w.WriteBoolean("leader", peer.Id == config.LeaderId);
            w.WriteBoolean("answered", info is not null);
            if (info is not null)
            {
                w.WriteNumber("term", info.CurrentTerm);
                w.WriteNumber("first_index", info.FirstIndex);
                w.WriteNumber("commit_index", info.CommitIndex);
                w.WriteNumber("last_applied", info.LastApplied);
                w.WriteNumber("last_index", info.LastIndex);
                w.WriteNumber("prune_index", info.PruneIndex);
                w.WriteNumber("snapshot_size", info.SnapshotSize);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    // ---- add / remove ----------------------------------------------------------------------------------------

    private static async Task<int> ChangeAsync(ParseResult parsed, bool adding, CancellationToken ct)
    {
        var args = Cluster.Read(parsed);
        var change = adding ? PeerChange.ParseAdd(parsed.GetValue(PeerToAdd)!) : PeerChange.ParseRemove(parsed.GetValue(PeerToRemove)!);
        using var loggers = CliLogging.ForTool();
        var log = loggers.CreateLogger("raft-runner.config");
        var deadline = DateTime.UtcNow + args.Timeout;
        await ClusterProbe.RequireAnswerAsync(args.Urls, args.Secret, args.SecretDescription, Min(args.Timeout, ClusterProbe.DefaultWait), ct).ConfigureAwait(false);
        using var client = args.CreateClient(log, Min(args.Timeout, AttemptTimeout));

        // Once an attempt went unanswered it may have reached the leader: from then on the same list goes again under
        // the same request id, which the leader answers from its request-id cache if the change was made (a repeated
        // ConfigUpdate is idempotent). A list is computed afresh only while nothing of ours can be pending.
        var requestId = RequestId.New();
        IReadOnlyList<PeerInfo>? pending = null;
        long readAt = 0; // the leader's last index before the configuration the list was computed from was read
        long jointIndex;
        while (true)
        {
            var target = pending;
            if (target is null)
            {
                readAt = await LastIndexAsync(client, ct).ConfigureAwait(false);
                var config = await LeaderConfigAsync(client, deadline - DateTime.UtcNow, ct).ConfigureAwait(false);
                target = change.Apply(config.Peers); // a BadArgumentException when it makes no sense
            }
            try
            {
                jointIndex = await client.ConfigUpdateAsync(target, requestId, ct).ConfigureAwait(false);
                break;
            }
            catch (ClusterBusyException)
            {
                if (DateTime.UtcNow >= deadline)
                    throw new CommandFailedException($"config {change.Verb}: the cluster stayed busy with another configuration change for {Seconds(args.Timeout)} s; try again later");
                log.LogInformation("the cluster is busy with another configuration change; trying again");
                if (pending is null)
                    requestId = RequestId.New(); // not accepted: look at the configuration afresh
            }
            catch (TimeoutException)
            {
                if (DateTime.UtcNow >= deadline)
                    throw new CommandFailedException($"config {change.Verb}: the leader did not answer the ConfigUpdate within {Seconds(args.Timeout)} s; the change may still take effect (see config show)");
                pending = target;
            }
            catch (ConfigUpdateRejectedException e)
            {
                throw new BadArgumentException($"config {change.Verb}: the leader refused the change: {e.ErrorName ?? "Error"}: {Cli.OneLine(e.ErrorMessage ?? "")}", e);
            }
            catch (RequestExpiredException e)
            {
                throw new CommandFailedException($"config {change.Verb}: {e.Message}", e);
            }
        }
        var final = await FinalConfigurationAsync(client, jointIndex, deadline, ct).ConfigureAwait(false);
        if (final is null)
            throw new CommandFailedException($"config {change.Verb}: the joint configuration is at index {N(jointIndex)}, but the final one was not committed within {Seconds(args.Timeout)} s (can a majority of the new peers be reached?)");
        var concurrent = await OtherChangeAsync(client, readAt, jointIndex, ct).ConfigureAwait(false);
        if (concurrent is { } other)
            log.LogWarning("another configuration change (CONFIG entry {Index}) was made between reading the configuration and this change, which sent the peers it had read: check config show", other);
        return await ReportAsync(client, args, change, jointIndex, final.Value, concurrent, deadline, ct).ConfigureAwait(false);
    }

    private static async Task<long> LastIndexAsync(RaftClient client, CancellationToken ct)
    {
        try
        {
            return (await client.RequestLogInfoAsync(anyPeer: false, ct).ConfigureAwait(false)).LastIndex;
        }
        catch (TimeoutException)
        {
            return 0; // only for the check of changes made meanwhile
        }
    }

    /// <summary>
    /// The index of a CONFIG entry between <paramref name="readAt"/> and the joint entry of this change: another change
    /// made meanwhile, which this one may have undone (a ConfigUpdate carries the whole peer list). Null when none.
    /// </summary>
    private static async Task<long?> OtherChangeAsync(RaftClient client, long readAt, long jointIndex, CancellationToken ct)
    {
        if (readAt <= 0 || jointIndex - 1 <= readAt)
            return null;
        try
        {
            await foreach (var item in client.ReadEntriesAsync(readAt, jointIndex - 1, ct).ConfigureAwait(false))
            {
                if (item is LogEntryItem { Entry.Type: LogEntryType.Config } entry)
                    return entry.Index;
            }
        }
        catch (TimeoutException)
        {
            // unknown: no warning
        }
        return null;
    }

    /// <summary>Prints what the change did and the configuration now.</summary>
    private static async Task<int> ReportAsync(RaftClient client, ClusterArguments args, PeerChange change, long jointIndex, (long Index, ConfigEntryData Config) final, long? concurrent, DateTime deadline, CancellationToken ct)
    {
        var config = await LeaderConfigAsync(client, Max(deadline - DateTime.UtcNow, TimeSpan.FromSeconds(2)), ct).ConfigureAwait(false);
        var peers = final.Config.Peers;
        if (args.Json)
        {
            Console.Out.WriteLine(JsonLine.Of(w =>
            {
                w.WriteString("change", change.Verb);
                w.WriteString("id", change.Id);
                if (change.Url is not null)
                    w.WriteString("url", change.Url);
                w.WriteNumber("joint_index", jointIndex);
                w.WriteNumber("final_index", final.Index);
                if (concurrent is { } other)
                    w.WriteNumber("concurrent_change_index", other);
                else
                    w.WriteNull("concurrent_change_index");
                w.WriteString("leader", config.LeaderId);
                w.WriteString("leader_url", config.LeaderUrl);
                w.WritePeers("peers", peers);
            }));
        }
        else
        {
            var what = change.Url is null ? $"removed {change.Id}" : $"added {change.Id}={change.Url}";
            Console.Out.WriteLine($"{what}: joint configuration at index {N(jointIndex)}, final configuration at index {N(final.Index)}");
            Console.Out.WriteLine($"leader: {config.LeaderId} ({config.LeaderUrl})");
            Console.Out.WriteLine($"peers: {string.Join(", ", peers.Select(p => $"{p.Id}={p.Url}"))}");
        }
        return Cli.Ok;
    }

    /// <summary>
    /// The final (Cnew) configuration after the joint entry at <paramref name="jointIndex"/>, read from the leader's
    /// log once committed (RequestEntries serves committed entries), as zr-config waits for it; null when it was not
    /// seen before the deadline.
    /// </summary>
    private static async Task<(long Index, ConfigEntryData Config)?> FinalConfigurationAsync(RaftClient client, long jointIndex, DateTime deadline, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await foreach (var item in client.ReadEntriesAsync(jointIndex, ct).ConfigureAwait(false))
                {
                    if (item is LogEntryItem { Entry.Type: LogEntryType.Config } entry && entry.Index > jointIndex
                        && ConfigEntryData.TryDecode(entry.Entry.Data.Span, out var config, out _) && !config.IsTransitional)
                        return (entry.Index, config);
                }
            }
            catch (TimeoutException)
            {
                // the leader changed or is slow: look again until the deadline
            }
            if (DateTime.UtcNow >= deadline)
                return null;
            await Task.Delay(300, ct).ConfigureAwait(false);
        }
    }

    private static async Task<RaftClusterConfig> LeaderConfigAsync(RaftClient client, TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await client.RequestConfigAsync(ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                if (DateTime.UtcNow >= deadline)
                    throw new CommandFailedException($"no leader answered within {Seconds(within)} s (the peers answer, but none leads: is a majority up?)");
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    internal static string Table(IReadOnlyList<string[]> rows)
    {
        var widths = new int[rows.Max(r => r.Length)];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
                widths[i] = Math.Max(widths[i], row[i].Length);
        }
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
                line.Append(row[i].PadRight(i == row.Length - 1 ? 0 : widths[i] + 2));
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>One membership change: add ID=URL or remove ID, applied to the cluster's current peers.</summary>
internal sealed record PeerChange(string Verb, string Id, string? Url)
{
    public static PeerChange ParseAdd(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !SeedPeers.IsTcpUrl(text[(eq + 1)..]))
            throw new BadArgumentException($"config add: '{text}' is not ID=tcp://HOST:PORT");
        return new PeerChange("add", text[..eq].Trim(), text[(eq + 1)..].Trim());
    }

    public static PeerChange ParseRemove(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new BadArgumentException("config remove: the peer id is empty");
        return new PeerChange("remove", text.Trim(), null);
    }

    /// <summary>The peer list to send: <paramref name="current"/> plus or minus this peer; a <see cref="BadArgumentException"/> when that makes no sense.</summary>
    public IReadOnlyList<PeerInfo> Apply(IReadOnlyList<PeerInfo> current)
    {
        if (Url is { } url)
        {
            if (current.FirstOrDefault(p => p.Id == Id) is { Id: not null } same)
                throw new BadArgumentException($"config add: peer id '{Id}' is already in the cluster (at {same.Url})");
            if (current.FirstOrDefault(p => p.Url == url) is { Id: not null } other)
                throw new BadArgumentException($"config add: url {url} belongs to peer '{other.Id}' already");
            return [.. current, new PeerInfo(Id, url)];
        }
        if (!current.Any(p => p.Id == Id))
            throw new BadArgumentException($"config remove: peer id '{Id}' is not in the cluster (its peers: {string.Join(", ", current.Select(p => p.Id))})");
        if (current.Count == 1)
            throw new BadArgumentException($"config remove: '{Id}' is the cluster's last peer, and a cluster cannot have none");
        return [.. current.Where(p => p.Id != Id)];
    }
}
