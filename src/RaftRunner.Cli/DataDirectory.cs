using System.Buffers.Binary;
using RaftRunner.Node.Snapshots;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage;
using RaftRunner.Storage.Log;
using RaftRunner.Storage.Persistence;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Cli;

/// <summary>
/// A node's data directory in zmq-raft's layout (<c>raft.pers</c>, <c>log/</c>, <c>snap</c>), read without changing
/// anything: every file is opened for reading only, nothing is created, repaired or deleted — not even the
/// leftovers a crash left, which a starting node would clean up.
/// </summary>
internal static class DataDirectory
{
    public const string RaftFileName = "raft.pers";
    public const string LogDirectoryName = "log";
    public const string SnapshotFileName = "snap";

    /// <summary>Checks that <paramref name="path"/> is a readable data directory; a <see cref="BadArgumentException"/> naming the problem otherwise.</summary>
    public static string Check(string path, string command)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new BadArgumentException($"{command}: DIR is empty");
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
            throw new BadArgumentException($"{command}: {full} is a file, not a data directory");
        if (!Directory.Exists(full))
            throw new BadArgumentException($"{command}: {full} does not exist");
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(full).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BadArgumentException($"{command}: {full} cannot be read: {e.Message}", e);
        }
        if (!File.Exists(Path.Combine(full, RaftFileName)) && !Directory.Exists(Path.Combine(full, LogDirectoryName)) && !File.Exists(Path.Combine(full, SnapshotFileName)))
            throw new BadArgumentException($"{command}: {full} is not a data directory (no {RaftFileName}, {LogDirectoryName}/ or {SnapshotFileName} in it)");
        return full;
    }

    /// <summary>Everything <c>log inspect</c> reports. Each part is read on its own: a broken part is a problem of the report, not the end of it.</summary>
    public static DataDirectoryReport Inspect(string directory, TimeSpan requestIdTtl)
    {
        var problems = new List<string>();
        var raft = InspectRaftFile(directory, problems);
        var snapshot = InspectSnapshot(directory, problems);
        var log = InspectLog(directory, snapshot, requestIdTtl, problems);
        var configuration = ConfigurationInForce(log, snapshot, raft);
        return new DataDirectoryReport(directory, raft, log, snapshot, configuration, problems);
    }

    // ---- raft.pers -------------------------------------------------------------------------------------------

    private static RaftFileReport? InspectRaftFile(string directory, List<string> problems)
    {
        var path = Path.Combine(directory, RaftFileName);
        if (!File.Exists(path))
            return null;
        RaftPersContents contents;
        try
        {
            contents = RaftPersReader.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{RaftFileName}: cannot be read: {e.Message}");
            return new RaftFileReport(path, 0, 0, null, null, null, null, null, null, null, null, e.Message);
        }
        if (contents.Problem is { } problem)
            problems.Add($"{RaftFileName}: {problem}");
        ulong? term = contents[RaftState.CurrentTermKey] is { } t && t.TryGetUInt64(out var tv) ? tv : null;
        string? votedFor = contents[RaftState.VotedForKey] is { } v && v.TryGetString(out var vs) ? vs : null;
        var peers = ReadPeers(contents[RaftState.PeersKey], RaftState.PeersKey, problems);
        string? request = contents[RaftState.PeersUpdateRequestKey] is { } r && r.TryGetString(out var rs) ? rs : null;
        ulong? peersIndex = contents[RaftState.PeersIndexKey] is { } pi && pi.TryGetUInt64(out var piv) ? piv : null;
        var committed = ReadPeers(contents[RaftState.CommittedPeersKey], RaftState.CommittedPeersKey, problems);
        ulong? committedIndex = contents[RaftState.CommittedPeersIndexKey] is { } ci && ci.TryGetUInt64(out var civ) ? civ : null;
        return new RaftFileReport(path, contents.FileSize, contents.Records, term, votedFor, peers, request, peersIndex, committed, committedIndex,
            contents.TornTailOffset, contents.Problem);
    }

    private static ConfigEntryData? ReadPeers(MessagePackValue? value, string key, List<string> problems)
    {
        if (value is null || value.IsNil)
            return null;
        if (RaftState.TryReadPeers(value, out var peers, out var error))
            return peers;
        problems.Add($"{RaftFileName}: {key}: {error}");
        return null;
    }

    // ---- snap ------------------------------------------------------------------------------------------------

    /// <summary>The snapshot file (and its envelope); what is wrong with it goes to <paramref name="problems"/>.</summary>
    public static SnapshotReport? InspectSnapshot(string directory, List<string> problems)
    {
        var path = Path.Combine(directory, SnapshotFileName);
        // Backups of replaced snapshots (snap-DATE-…), files being written (snap.tmp-PID-N), a snapshot taken but not yet in place (snap.taken).
        var leftovers = Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>()
            .Where(n => n.StartsWith(SnapshotFileName, StringComparison.Ordinal) && n != SnapshotFileName).Order(StringComparer.Ordinal).ToArray();
        if (!File.Exists(path))
            return leftovers.Length == 0 ? null : new SnapshotReport(path, false, 0, 0, 0, 0, null, null, null, leftovers, null);
        try
        {
            using var snapshot = SnapshotFile.Open(path);
            var fileSize = new FileInfo(path).Length;
            EnvelopeReport? envelope = null;
            string? envelopeProblem = null;
            try
            {
                if (SnapshotEnvelopeReader.ReadEnvelope(snapshot) is { } found)
                {
                    Span<byte> prefix = stackalloc byte[SnapshotEnvelope.PrefixLength];
                    snapshot.ReadChunk(0, prefix);
                    var stateOffset = SnapshotEnvelope.PrefixLength + (long)BinaryPrimitives.ReadUInt32BigEndian(prefix[SnapshotEnvelope.MagicLength..]);
                    envelope = new EnvelopeReport(found.Configuration, found.ConfigurationIndex, found.RequestIds.Count,
                        found.RequestIds.Count == 0 ? null : found.RequestIds[0].Index, found.RequestIds.Count == 0 ? null : found.RequestIds[^1].Index,
                        stateOffset, snapshot.DataSize - stateOffset);
                }
            }
            catch (SnapshotEnvelopeException e)
            {
                envelopeProblem = e.Message;
                problems.Add($"{SnapshotFileName}: the RRSNAP01 envelope is corrupt: {e.Message}");
            }
            return new SnapshotReport(path, true, (long)snapshot.Index, snapshot.Term, snapshot.DataSize, fileSize, snapshot.Created, snapshot.Hostname,
                envelope, leftovers, envelopeProblem);
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"{SnapshotFileName}: {e.Message}");
            return new SnapshotReport(path, true, 0, 0, 0, 0, null, null, null, leftovers, e.Message);
        }
    }

    // ---- log -------------------------------------------------------------------------------------------------

    private static LogReport? InspectLog(string directory, SnapshotReport? snapshot, TimeSpan requestIdTtl, List<string> problems)
    {
        var logDirectory = Path.Combine(directory, LogDirectoryName);
        if (!Directory.Exists(logDirectory))
            return null;
        try
        {
            using var log = OpenLog(directory, snapshot);
            var files = log.DescribeFiles();
            ulong? firstTerm = log.FirstIndex <= log.LastIndex ? log.TermAt(log.FirstIndex) : null;
            var scan = ScanHeaders(log, files, requestIdTtl);
            return new LogReport(logDirectory, log.FirstIndex, log.LastIndex, firstTerm, log.LastTerm, files,
                files.Sum(f => f.DataSize), files.Sum(f => f.FileSize), scan.PruneIndex, scan.FreshRequestIds, requestIdTtl,
                scan.Counts, scan.LastConfigIndex, scan.LastConfig, null);
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add($"{LogDirectoryName}: {e.Message}");
            return new LogReport(logDirectory, 0, 0, null, 0, [], 0, 0, null, 0, requestIdTtl, new EntryCounts(0, 0, 0), null, null, e.Message);
        }
    }

    /// <summary>The log, read-only, continuing the snapshot (as a node opens it, minus every repair).</summary>
    public static FileLog OpenLog(string directory, SnapshotReport? snapshot) =>
        FileLog.Open(Path.Combine(directory, LogDirectoryName), new FileLogOptions
        {
            ReadOnly = true,
            SnapshotIndex = snapshot is { Exists: true, Problem: null } s ? s.Index : 0,
            SnapshotTerm = snapshot is { Exists: true, Problem: null } t ? t.Term : 0,
        });

    private sealed record HeaderScan(long? PruneIndex, int FreshRequestIds, EntryCounts Counts, long? LastConfigIndex, ConfigEntryData? LastConfig);

    /// <summary>
    /// One backwards pass over the entry headers: counts by type, the newest CONFIG entry, and RAFT.md's PRUNE INDEX as
    /// a node would compute it on opening the log with request-id-ttl <paramref name="ttl"/> (the index just below the
    /// oldest request id still fresh, scanning back through every stored entry until more expired ids were seen than
    /// one file holds — RequestIdCacheLoader's rule; request-id-cache-max is not known here).
    /// </summary>
    private static HeaderScan ScanHeaders(FileLog log, IReadOnlyList<IndexFileInfo> files, TimeSpan ttl)
    {
        var thresholdSeconds = (long)Math.Ceiling((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)ttl.TotalMilliseconds) / 1000.0);
        long state = 0, config = 0, checkpoint = 0;
        long? lastConfigIndex = null;
        long? oldestFresh = null;
        var fresh = 0;
        var expired = 0L;
        var pruneDone = false;
        var headers = new EntryHeader[4096];
        for (var f = files.Count - 1; f >= 0; f--)
        {
            using var file = IndexFile.Open(files[f].Path, readOnly: true);
            var to = Math.Min(log.LastIndex, file.NextIndex - 1);
            while (to >= file.FirstAllowedIndex)
            {
                var from = Math.Max(file.FirstAllowedIndex, to - headers.Length + 1);
                var span = headers.AsSpan(0, (int)(to - from + 1));
                file.ReadHeaders(from, span);
                for (var i = span.Length - 1; i >= 0; i--)
                {
                    var index = from + i;
                    var header = span[i];
                    if (index >= log.FirstIndex)
                    {
                        switch (header.Type)
                        {
                            case LogEntryType.State: state++; break;
                            case LogEntryType.Config: config++; lastConfigIndex ??= index; break;
                            default: checkpoint++; break;
                        }
                    }
                    if (pruneDone || !RequestIdCache.IsTracked(header.RequestId, header.Type))
                        continue;
                    if (header.RequestId.Seconds < thresholdSeconds)
                    {
                        if (++expired > file.Capacity)
                            pruneDone = true;
                        continue;
                    }
                    oldestFresh = index;
                    fresh++;
                }
                to = from - 1;
            }
        }
        ConfigEntryData? lastConfig = null;
        if (lastConfigIndex is { } at && ConfigEntryData.TryDecode(log.GetEntry(at).Data.Span, out var decoded, out _))
            lastConfig = decoded;
        var pruneIndex = oldestFresh is { } oldest ? oldest - 1 : log.LastIndex;
        return new HeaderScan(pruneIndex, fresh, new EntryCounts(state, config, checkpoint), lastConfigIndex, lastConfig);
    }

    /// <summary>
    /// The configuration a node would follow on this data: the newest CONFIG entry of the log (committed or not, as
    /// Raft has it), else the one RaftRunner's snapshot envelope records, else raft.pers's <c>peers</c>.
    /// </summary>
    private static ConfigurationReport? ConfigurationInForce(LogReport? log, SnapshotReport? snapshot, RaftFileReport? raft)
    {
        if (log is { LastConfig: { } fromLog, LastConfigIndex: { } index })
            return new ConfigurationReport(fromLog, $"log entry {index}", index);
        if (snapshot?.Envelope is { Configuration: { } fromSnapshot } envelope)
            return new ConfigurationReport(fromSnapshot, $"snapshot envelope (CONFIG entry {envelope.ConfigurationIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"})", envelope.ConfigurationIndex);
        if (raft?.Peers is { } fromRaft)
            return new ConfigurationReport(fromRaft, RaftFileName, (long?)raft.PeersIndex);
        return null;
    }
}

internal sealed record DataDirectoryReport(
    string Directory, RaftFileReport? Raft, LogReport? Log, SnapshotReport? Snapshot, ConfigurationReport? Configuration, IReadOnlyList<string> Problems);

internal sealed record RaftFileReport(
    string Path, long FileSize, int Records, ulong? CurrentTerm, string? VotedFor, ConfigEntryData? Peers, string? PeersUpdateRequest,
    ulong? PeersIndex, ConfigEntryData? CommittedPeers, ulong? CommittedPeersIndex, long? TornTailOffset, string? Problem);

internal sealed record EntryCounts(long State, long Config, long Checkpoint);

internal sealed record LogReport(
    string Path, long FirstIndex, long LastIndex, ulong? FirstTerm, ulong LastTerm, IReadOnlyList<IndexFileInfo> Files, long DataSize, long FileSize,
    long? PruneIndex, int FreshRequestIds, TimeSpan RequestIdTtl, EntryCounts Counts, long? LastConfigIndex, ConfigEntryData? LastConfig, string? Problem)
{
    public long EntryCount => Math.Max(0, LastIndex - FirstIndex + 1);
}

internal sealed record EnvelopeReport(
    ConfigEntryData? Configuration, long? ConfigurationIndex, int RequestIds, long? FirstRequestIndex, long? LastRequestIndex, long StateOffset, long StateSize);

internal sealed record SnapshotReport(
    string Path, bool Exists, long Index, ulong Term, long DataSize, long FileSize, string? Created, string? Hostname, EnvelopeReport? Envelope,
    IReadOnlyList<string> Leftovers, string? Problem);

internal sealed record ConfigurationReport(ConfigEntryData Configuration, string Source, long? Index);
