using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage;
using RaftRunner.Storage.Log;

namespace RaftRunner.Cli;

/// <summary>
/// <c>raft-runner log inspect DIR [--json]</c>: what a data directory holds; <c>raft-runner log dump DIR [--from N]
/// [--to M]</c>: its entries as JSON lines. Both only read: nothing in DIR is opened for writing, created or removed.
/// </summary>
internal static class LogCommand
{
    private static readonly Argument<string> InspectDirectory = new("dir") { Description = "a node's data directory (raft.pers, log/, snap)" };
    private static readonly Argument<string> DumpDirectory = new("dir") { Description = "a node's data directory (raft.pers, log/, snap)" };
    private static readonly Option<bool> Json = new("--json") { Description = "print one JSON object instead of text" };
    private static readonly Option<double> Ttl = new("--request-id-ttl")
    {
        Description = "the nodes' request-id-ttl in seconds, for the prune index (zmq-raft's default: 8 hours)",
        HelpName = "seconds",
        DefaultValueFactory = _ => FileLogOptions.DefaultRequestIdTtl.TotalSeconds,
    };
    private static readonly Option<long?> From = new("--from") { Description = "the first index to dump (default: the log's first)", HelpName = "n" };
    private static readonly Option<long?> To = new("--to") { Description = "the last index to dump (default: the log's last)", HelpName = "m" };

    public static Command Create()
    {
        var command = new Command("log", "read a data directory: what it holds, its entries");

        var inspect = new Command("inspect", "what a data directory holds: raft.pers, the log, the snapshot, the configuration in force (read-only)");
        inspect.Arguments.Add(InspectDirectory);
        inspect.Options.Add(Json);
        inspect.Options.Add(Ttl);
        inspect.SetAction(Inspect);

        var dump = new Command("dump", "the log's entries as JSON lines {index, term, type, requestId, size, data (base64), kv|config} (read-only)");
        dump.Arguments.Add(DumpDirectory);
        dump.Options.Add(From);
        dump.Options.Add(To);
        dump.SetAction(Dump);

        command.Subcommands.Add(inspect);
        command.Subcommands.Add(dump);
        return command;
    }

    // ---- inspect ---------------------------------------------------------------------------------------------

    private static int Inspect(ParseResult parsed)
    {
        var directory = DataDirectory.Check(parsed.GetValue(InspectDirectory)!, "log inspect");
        var ttlSeconds = parsed.GetValue(Ttl);
        if (!double.IsFinite(ttlSeconds) || ttlSeconds < 60)
            throw new BadArgumentException($"--request-id-ttl must be at least 60 seconds (zmq-raft's minimum), not {ttlSeconds.ToString(CultureInfo.InvariantCulture)}");
        var report = DataDirectory.Inspect(directory, TimeSpan.FromSeconds(ttlSeconds));
        Console.Out.WriteLine(parsed.GetValue(Json) ? InspectJson(report) : InspectText(report));
        if (report.Problems.Count > 0)
            return Cli.Error($"log inspect: {report.Problems.Count} problem{(report.Problems.Count == 1 ? "" : "s")}: {string.Join("; ", report.Problems)}");
        return Cli.Ok;
    }

    internal static string InspectText(DataDirectoryReport r)
    {
        var t = new StringBuilder();
        t.Append(CultureInfo.InvariantCulture, $"data directory {r.Directory}\n");

        if (r.Raft is { } raft)
        {
            t.Append(CultureInfo.InvariantCulture, $"raft.pers: {N(raft.FileSize)} bytes, {raft.Records} record{(raft.Records == 1 ? "" : "s")}");
            if (raft.TornTailOffset is { } torn)
                t.Append(CultureInfo.InvariantCulture, $", torn tail from offset {torn} (ignored, as a node does)");
            t.Append('\n');
            t.Append(CultureInfo.InvariantCulture, $"  term {raft.CurrentTerm?.ToString(CultureInfo.InvariantCulture) ?? "0 (not recorded)"}, voted for {raft.VotedFor ?? "nobody"}\n");
            t.Append(CultureInfo.InvariantCulture, $"  peers {(raft.Peers is { } p ? Config(p) : "not recorded (a node uses its seed peers)")}");
            if (raft.PeersIndex is { } pi)
                t.Append(CultureInfo.InvariantCulture, $" (CONFIG entry {pi})");
            t.Append('\n');
            if (raft.PeersUpdateRequest is { } request)
                t.Append(CultureInfo.InvariantCulture, $"  peers update request {request}\n");
            if (raft.CommittedPeers is { } committed)
                t.Append(CultureInfo.InvariantCulture, $"  committed peers {Config(committed)} (CONFIG entry {raft.CommittedPeersIndex?.ToString(CultureInfo.InvariantCulture) ?? "?"})\n");
        }
        else
        {
            t.Append("raft.pers: none\n");
        }

        if (r.Log is { } log)
        {
            if (log.Problem is { } problem)
            {
                t.Append(CultureInfo.InvariantCulture, $"log: {log.Path}: {problem}\n");
            }
            else
            {
                t.Append(CultureInfo.InvariantCulture, $"log: {N(log.EntryCount)} entries");
                if (log.EntryCount > 0)
                    t.Append(CultureInfo.InvariantCulture, $", {N(log.FirstIndex)} (term {log.FirstTerm}) .. {N(log.LastIndex)} (term {log.LastTerm})");
                else
                    t.Append(CultureInfo.InvariantCulture, $", last index {N(log.LastIndex)} (term {log.LastTerm})");
                t.Append(CultureInfo.InvariantCulture, $": {N(log.Counts.State)} state, {N(log.Counts.Config)} config, {N(log.Counts.Checkpoint)} checkpoint\n");
                t.Append(CultureInfo.InvariantCulture, $"  {log.Files.Count} index file{(log.Files.Count == 1 ? "" : "s")}, {N(log.DataSize)} bytes of entries, {N(log.FileSize)} bytes on disk\n");
                foreach (var f in log.Files)
                {
                    t.Append(CultureInfo.InvariantCulture, $"    {f.RelativePath}  slots {N(f.FirstAllowedIndex)}..{N(f.LastAllowedIndex)}, {N(f.EntryCount)} entries, {N(f.DataSize)} bytes of entries, {N(f.FileSize)} bytes");
                    if (f.Meta is { Created: { } created })
                        t.Append(CultureInfo.InvariantCulture, $", created {created}{(f.Meta.Hostname is { } host ? " on " + host : "")}");
                    t.Append('\n');
                }
                if (log.PruneIndex is { } prune)
                    t.Append(CultureInfo.InvariantCulture, $"  prune index {N(prune)} ({N(log.FreshRequestIds)} request ids younger than request-id-ttl {Duration(log.RequestIdTtl)})\n");
            }
        }
        else
        {
            t.Append("log: none\n");
        }

        if (r.Snapshot is { } snap)
        {
            if (!snap.Exists)
                t.Append("snap: none\n");
            else if (snap.Problem is { } problem && snap.Envelope is null && snap.DataSize == 0 && snap.FileSize == 0)
                t.Append(CultureInfo.InvariantCulture, $"snap: {problem}\n");
            else
            {
                t.Append(CultureInfo.InvariantCulture, $"snap: index {N(snap.Index)}, term {snap.Term}, {N(snap.DataSize)} bytes of data, {N(snap.FileSize)} bytes on disk");
                if (snap.Created is { } created)
                    t.Append(CultureInfo.InvariantCulture, $", created {created}{(snap.Hostname is { } host ? " on " + host : "")}");
                t.Append('\n');
                if (snap.Envelope is { } e)
                {
                    t.Append(CultureInfo.InvariantCulture, $"  RRSNAP01 envelope: configuration {(e.Configuration is { } c ? Config(c) : "not recorded")}");
                    if (e.ConfigurationIndex is { } ci)
                        t.Append(CultureInfo.InvariantCulture, $" (CONFIG entry {N(ci)})");
                    t.Append(CultureInfo.InvariantCulture, $", {N(e.RequestIds)} request ids");
                    if (e.FirstRequestIndex is { } first && e.LastRequestIndex is { } last)
                        t.Append(CultureInfo.InvariantCulture, $" (entries {N(first)}..{N(last)})");
                    t.Append(CultureInfo.InvariantCulture, $", {N(e.StateSize)} bytes of state machine data\n");
                }
                else if (snap.Problem is { } envelopeProblem)
                {
                    t.Append(CultureInfo.InvariantCulture, $"  RRSNAP01 envelope: corrupt: {envelopeProblem}\n");
                }
                else
                {
                    t.Append(snap.DataSize == 0
                        ? "  no RRSNAP01 envelope (the empty snapshot of a new log)\n"
                        : "  no RRSNAP01 envelope (a zmq-raft snapshot: all of the data is the state machine's)\n");
                }
            }
            if (snap.Leftovers.Count > 0)
                t.Append(CultureInfo.InvariantCulture, $"  also: {string.Join(", ", snap.Leftovers)}\n");
        }
        else
        {
            t.Append("snap: none\n");
        }

        t.Append(r.Configuration is { } cfg
            ? $"configuration in force: {Config(cfg.Configuration)} (from {cfg.Source})"
            : "configuration in force: not recorded here (no CONFIG entry, envelope or peers in raft.pers: a node takes the seed peers of its command line)");
        foreach (var problem in r.Problems)
            t.Append(CultureInfo.InvariantCulture, $"\nproblem: {problem}");
        return t.ToString();
    }

    internal static string InspectJson(DataDirectoryReport r) => JsonLine.Of(w =>
    {
        w.WriteString("directory", r.Directory);
        if (r.Raft is { } raft)
        {
            w.WriteStartObject("raft");
            w.WriteString("path", raft.Path);
            w.WriteNumber("file_size", raft.FileSize);
            w.WriteNumber("records", raft.Records);
            WriteNumber(w, "current_term", raft.CurrentTerm);
            w.WriteString("voted_for", raft.VotedFor);
            WriteConfig(w, "peers", raft.Peers);
            w.WriteString("peers_update_request", raft.PeersUpdateRequest);
            WriteNumber(w, "peers_index", raft.PeersIndex);
            WriteConfig(w, "committed_peers", raft.CommittedPeers);
            WriteNumber(w, "committed_peers_index", raft.CommittedPeersIndex);
            WriteNumber(w, "torn_tail_offset", raft.TornTailOffset);
            w.WriteString("problem", raft.Problem);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("raft");
        }

        if (r.Log is { } log)
        {
            w.WriteStartObject("log");
            w.WriteString("path", log.Path);
            w.WriteNumber("first_index", log.FirstIndex);
            w.WriteNumber("last_index", log.LastIndex);
            WriteNumber(w, "first_term", log.FirstTerm);
            w.WriteNumber("last_term", log.LastTerm);
            w.WriteNumber("entries", log.EntryCount);
            w.WriteNumber("state_entries", log.Counts.State);
            w.WriteNumber("config_entries", log.Counts.Config);
            w.WriteNumber("checkpoint_entries", log.Counts.Checkpoint);
            w.WriteNumber("data_size", log.DataSize);
            w.WriteNumber("file_size", log.FileSize);
            WriteNumber(w, "prune_index", log.PruneIndex);
            w.WriteNumber("fresh_request_ids", log.FreshRequestIds);
            w.WriteNumber("request_id_ttl_s", log.RequestIdTtl.TotalSeconds);
            w.WriteStartArray("files");
            foreach (var f in log.Files)
            {
                w.WriteStartObject();
                w.WriteString("path", f.RelativePath);
                w.WriteNumber("first_allowed_index", f.FirstAllowedIndex);
                w.WriteNumber("last_allowed_index", f.LastAllowedIndex);
                w.WriteNumber("capacity", f.Capacity);
                w.WriteNumber("entries", f.EntryCount);
                w.WriteNumber("next_index", f.NextIndex);
                w.WriteNumber("data_size", f.DataSize);
                w.WriteNumber("file_size", f.FileSize);
                w.WriteString("created", f.Meta?.Created);
                w.WriteString("hostname", f.Meta?.Hostname);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("problem", log.Problem);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("log");
        }

        if (r.Snapshot is { Exists: true } snap)
        {
            w.WriteStartObject("snapshot");
            w.WriteString("path", snap.Path);
            w.WriteNumber("index", snap.Index);
            w.WriteNumber("term", snap.Term);
            w.WriteNumber("data_size", snap.DataSize);
            w.WriteNumber("file_size", snap.FileSize);
            w.WriteString("created", snap.Created);
            w.WriteString("hostname", snap.Hostname);
            w.WriteBoolean("envelope", snap.Envelope is not null);
            if (snap.Envelope is { } e)
            {
                w.WriteStartObject("rrsnap01");
                WriteConfig(w, "configuration", e.Configuration);
                WriteNumber(w, "configuration_index", e.ConfigurationIndex);
                w.WriteNumber("request_ids", e.RequestIds);
                WriteNumber(w, "first_request_index", e.FirstRequestIndex);
                WriteNumber(w, "last_request_index", e.LastRequestIndex);
                w.WriteNumber("state_offset", e.StateOffset);
                w.WriteNumber("state_size", e.StateSize);
                w.WriteEndObject();
            }
            w.WriteStartArray("leftovers");
            foreach (var name in snap.Leftovers)
                w.WriteStringValue(name);
            w.WriteEndArray();
            w.WriteString("problem", snap.Problem);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("snapshot");
        }

        if (r.Configuration is { } cfg)
        {
            w.WriteStartObject("configuration");
            w.WriteString("source", cfg.Source);
            WriteNumber(w, "index", cfg.Index);
            WriteConfigFields(w, cfg.Configuration);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("configuration");
        }
        w.WriteStartArray("problems");
        foreach (var problem in r.Problems)
            w.WriteStringValue(problem);
        w.WriteEndArray();
    });

    // ---- dump ------------------------------------------------------------------------------------------------

    private static int Dump(ParseResult parsed)
    {
        var directory = DataDirectory.Check(parsed.GetValue(DumpDirectory)!, "log dump");
        var from = parsed.GetValue(From);
        var to = parsed.GetValue(To);
        if (from is < 1)
            throw new BadArgumentException($"--from must be a log index (1 or more), not {from}");
        if (to is < 1)
            throw new BadArgumentException($"--to must be a log index (1 or more), not {to}");
        if (from is { } f0 && to is { } t0 && t0 < f0)
            throw new BadArgumentException($"--to {t0} is before --from {f0}");
        if (!Directory.Exists(Path.Combine(directory, DataDirectory.LogDirectoryName)))
            throw new BadArgumentException($"log dump: {directory} has no log/ directory");

        using var loggers = CliLogging.ForTool();
        var log = loggers.CreateLogger("raft-runner.log");
        // The snapshot says where the log starts; a broken one is inspect's business, here the log starts at its first file.
        var snapshot = DataDirectory.InspectSnapshot(directory, []);
        try
        {
            using var fileLog = DataDirectory.OpenLog(directory, snapshot);
            var first = Math.Max(from ?? fileLog.FirstIndex, fileLog.FirstIndex);
            var last = Math.Min(to ?? fileLog.LastIndex, fileLog.LastIndex);
            if (from is { } f && f < fileLog.FirstIndex)
                log.LogWarning("the log starts at {First} (the snapshot covers up to {Snapshot}): entries before it are not dumped", fileLog.FirstIndex, fileLog.SnapshotIndex);
            if (to is { } t && t > fileLog.LastIndex)
                log.LogWarning("the log ends at {Last}: entries after it are not dumped", fileLog.LastIndex);
            var output = Console.Out;
            var index = first;
            foreach (var entry in fileLog.ReadEntries(first, last))
                output.WriteLine(EntryJson(index++, entry));
            output.Flush();
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"log dump: {e.Message}", e);
        }
        return Cli.Ok;
    }

    internal static string EntryJson(long index, LogEntry entry) => JsonLine.Of(w =>
    {
        w.WriteNumber("index", index);
        w.WriteNumber("term", entry.Term);
        w.WriteString("type", entry.Type switch
        {
            LogEntryType.State => "state",
            LogEntryType.Config => "config",
            LogEntryType.Checkpoint => "checkpoint",
            _ => ((int)entry.Type).ToString(CultureInfo.InvariantCulture),
        });
        w.WriteString("requestId", entry.RequestId.ToHex());
        var data = entry.Data.Span;
        w.WriteNumber("size", data.Length);
        w.WriteBase64String("data", data);
        switch (entry.Type)
        {
            case LogEntryType.State when TryDecodeKeyValue(data, out var op, out var key, out var value):
                w.WriteStartObject("kv");
                w.WriteString("op", op);
                w.WriteString("key", key);
                if (value is not null)
                {
                    if (value.TryGetString(out var text))
                    {
                        w.WriteString("value", text);
                    }
                    else if (value.TryGetBinary(out var binary))
                    {
                        w.WriteBase64String("value_base64", binary.Span);
                        w.WriteNumber("value_size", binary.Length);
                    }
                    else
                    {
                        w.WriteString("value_msgpack", value.ToString(200));
                    }
                }
                w.WriteEndObject();
                break;
            case LogEntryType.Config when ConfigEntryData.TryDecode(data, out var config, out _):
                w.WriteStartObject("config");
                WriteConfigFields(w, config);
                w.WriteEndObject();
                break;
        }
    });

    /// <summary>A command of the built-in key-value machine (<c>{"op":"set"|"del","key":k[,"value":v]}</c>), as KeyValueCommands writes it.</summary>
    private static bool TryDecodeKeyValue(ReadOnlySpan<byte> data, out string op, out string key, out MessagePackValue? value)
    {
        op = key = "";
        value = null;
        if (!MessagePackCodec.TryDecodeExact(data, out var map, out _) || map.Kind != MessagePackKind.Map)
            return false;
        if (!map.TryGetProperty("op", out var opValue) || !opValue.TryGetString(out var opText) || opText is not ("set" or "del"))
            return false;
        if (!map.TryGetProperty("key", out var keyValue) || !keyValue.TryGetString(out var keyText))
            return false;
        op = opText;
        key = keyText;
        if (map.TryGetProperty("value", out var v))
            value = v;
        return true;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, ulong? value)
    {
        if (value is { } v)
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }

    private static void WriteConfig(Utf8JsonWriter w, string name, ConfigEntryData? config)
    {
        if (config is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        WriteConfigFields(w, config);
        w.WriteEndObject();
    }

    private static void WriteConfigFields(Utf8JsonWriter w, ConfigEntryData config)
    {
        w.WriteBoolean("transitional", config.IsTransitional);
        w.WritePeers("peers", config.Peers);
        if (config.OldPeers is { } old)
            w.WritePeers("old_peers", old);
    }

    private static string Config(ConfigEntryData config) => config.OldPeers is { } old
        ? $"joint: old [{Peers(old)}], new [{Peers(config.Peers)}]"
        : $"[{Peers(config.Peers)}]";

    private static string Peers(IReadOnlyList<PeerInfo> peers) => string.Join(", ", peers.Select(p => $"{p.Id}={p.Url}"));

    private static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours)
        ? $"{span.TotalHours.ToString(CultureInfo.InvariantCulture)} h"
        : $"{span.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
}
