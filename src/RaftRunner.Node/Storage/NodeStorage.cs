using RaftRunner.Protocol;
using RaftRunner.Raft;
using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;
using RaftRunner.Storage;
using RaftRunner.Storage.Log;
using RaftRunner.Storage.Persistence;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Node.Storage;

/// <summary>
/// A node's data directory in zmq-raft's layout (config/default.hjson <c>data</c>): <c>raft.pers</c> (term,
/// vote, membership), <c>log/</c> (index files) and <c>snap</c> (the snapshot). Writes come from one thread, the
/// log writer's (<see cref="Write"/>, <see cref="SnapshotTaken"/>); <see cref="Reader"/> may be read from another.
/// </summary>
public sealed class NodeStorage : IDisposable
{
    public const string RaftFileName = "raft.pers";
    public const string LogDirectoryName = "log";
    public const string SnapshotFileName = "snap";

    private readonly RaftState _raft;
    private readonly Lock _snapshotGate = new();
    private SnapshotFile _snapshot;
    private SnapshotWriter? _incoming;
    private (long Index, ClusterConfiguration? Configuration) _lastInstalled;

    private NodeStorage(string directory, RaftState raft, SnapshotFile snapshot, FileLog log)
    {
        Directory = directory;
        _raft = raft;
        _snapshot = snapshot;
        Log = log;
        Reader = new DurableLogReader(log, this);
    }

    public string Directory { get; }

    /// <summary>
    /// Reads what a snapshot file's data records beyond the state (RaftRunner's envelope): the configuration in
    /// force at its index and recent request ids. Null (or returning null) for snapshots that record nothing.
    /// </summary>
    public Func<string, Applying.SnapshotContents?>? ReadSnapshotContents { get; private init; }

    /// <summary>The configuration recorded in the received snapshot installed at <paramref name="index"/>, if any.</summary>
    public ClusterConfiguration? InstalledConfiguration(long index) =>
        _lastInstalled.Index == index ? _lastInstalled.Configuration : null;

    public string SnapshotPath => Path.Combine(Directory, SnapshotFileName);

    /// <summary>
    /// Where the applier writes this node's own snapshots. Never <see cref="SnapshotPath"/> itself: a snapshot from the
    /// leader may be installed there meanwhile, and only the log writer (<see cref="SnapshotTaken"/>) decides which wins.
    /// </summary>
    public string TakenSnapshotPath => Path.Combine(Directory, SnapshotFileName + ".taken");

    public FileLog Log { get; }

    /// <summary>The durable log as the Raft core reads it.</summary>
    public IRaftLogReader Reader { get; }

    public HardState HardState => new(_raft.CurrentTerm, _raft.VotedFor);

    public MembershipState Membership
    {
        get
        {
            var peers = ClusterConfiguration.From(_raft.Peers);
            RequestId? key = RaftState.TryParseRequestKey(_raft.PeersUpdateRequest, out var id) ? id : null;
            return new MembershipState(
                peers,
                _raft.PeersIndex is { } index ? (long)index : null,
                key,
                _raft.CommittedPeers is { } committed ? ClusterConfiguration.From(committed) : null,
                _raft.CommittedPeersIndex is { } committedIndex ? (long)committedIndex : null);
        }
    }

    /// <summary>Size of the current snapshot's data.</summary>
    public long SnapshotSize
    {
        get
        {
            lock (_snapshotGate)
                return _snapshot.DataSize;
        }
    }

    /// <summary>Index and term of the current snapshot file (0, 0 when there is none).</summary>
    public (long Index, ulong Term) SnapshotId
    {
        get
        {
            lock (_snapshotGate)
                return ((long)_snapshot.Index, _snapshot.Term);
        }
    }

    /// <summary>
    /// Opens (or creates) the data directory. <paramref name="initialPeers"/> is the configuration a new node starts
    /// with. Leftover temporary snapshot files of a crash are removed (zmq-raft does the same at start-up).
    /// </summary>
    public static NodeStorage Open(
        string directory, IReadOnlyList<PeerInfo> initialPeers, FileLogOptions? logOptions = null, Func<string, Applying.SnapshotContents?>? readSnapshotContents = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(initialPeers);
        System.IO.Directory.CreateDirectory(directory);
        var raft = RaftState.Open(Path.Combine(directory, RaftFileName), initialPeers);
        SnapshotFile? snapshot = null;
        try
        {
            var snapshotPath = Path.Combine(directory, SnapshotFileName);
            SnapshotFile.CleanupTempFiles(snapshotPath);
            snapshot = SnapshotFile.OpenOrCreateEmpty(snapshotPath);
            var options = (logOptions ?? new FileLogOptions()) with { SnapshotIndex = (long)snapshot.Index, SnapshotTerm = snapshot.Term };
            var log = FileLog.Open(Path.Combine(directory, LogDirectoryName), options);
            return new NodeStorage(directory, raft, snapshot, log) { ReadSnapshotContents = readSnapshotContents };
        }
        catch
        {
            snapshot?.Dispose();
            raft.Dispose();
            throw;
        }
    }

    /// <summary>Up to <paramref name="count"/> bytes of the current snapshot's data from <paramref name="offset"/>.</summary>
    public ReadOnlyMemory<byte> ReadSnapshot(long offset, int count)
    {
        lock (_snapshotGate)
        {
            var available = (int)Math.Clamp(_snapshot.DataSize - offset, 0, count);
            if (available == 0)
                return ReadOnlyMemory<byte>.Empty;
            var buffer = new byte[available];
            var read = _snapshot.ReadChunk(offset, buffer);
            return buffer.AsMemory(0, read);
        }
    }

    /// <summary>
    /// Makes a batch of jobs durable, in order, with as few syncs as the order allows: consecutive appends become
    /// one FileLog append (one fdatasync per index file), and only the last hard state and membership of the batch
    /// are written (each is a complete value). Returns the snapshots installed on the way, with the position of
    /// the job that installed each.
    /// </summary>
    public IReadOnlyList<(int Job, SnapshotInstall Install)> Write(IReadOnlyList<StorageJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var installed = new List<(int, SnapshotInstall)>();
        var position = -1;
        var pending = new List<LogEntry>();
        HardState? hard = null;
        MembershipState? membership = null;
        foreach (var job in jobs)
        {
            position++;
            if (job.SnapshotChunks.Count > 0 || job.LogWrite is { InstallSnapshot: not null } || (job.LogWrite is { } w && w.TruncateAfter < Log.LastIndex + pending.Count))
                FlushAppends(pending);
            foreach (var chunk in job.SnapshotChunks)
                WriteChunk(chunk);
            if (job.LogWrite is { } write)
            {
                if (write.InstallSnapshot is { } install)
                {
                    InstallReceivedSnapshot(install);
                    installed.Add((position, install));
                }
                if (write.TruncateAfter < Log.LastIndex)
                    Log.TruncateAfter(write.TruncateAfter, commitIndex: -1);
                pending.AddRange(write.Entries);
            }
            hard = job.HardState ?? hard;
            membership = job.Membership ?? membership;
        }
        FlushAppends(pending);
        if (hard is { } h)
            _raft.UpdateTerm(h.Term, h.VotedFor);
        if (membership is { } m)
            WriteMembership(m);
        return installed;
    }

    private void FlushAppends(List<LogEntry> pending)
    {
        if (pending.Count == 0)
            return;
        Log.Append(pending);
        pending.Clear();
    }

    private void WriteMembership(MembershipState m) => _raft.Update(new RaftStateUpdate
    {
        Peers = m.Configuration.ToEntryData(),
        PeersUpdateRequest = m.UpdateRequest is { } key ? RaftState.ToRequestKey(key) : null,
        PeersIndex = m.PeersIndex is { } index ? (ulong)index : null,
        CommittedPeers = m.Committed?.ToEntryData(),
        CommittedPeersIndex = m.CommittedIndex is { } committed ? (ulong)committed : null,
    });

    /// <summary>A chunk of a snapshot arriving from the leader; a chunk of another snapshot starts a new temporary file.</summary>
    private void WriteChunk(SnapshotChunkWrite chunk)
    {
        if (_incoming is not { } writer || (long)writer.Index != chunk.Index || writer.Term != chunk.Term || writer.DataSize != chunk.TotalSize)
        {
            _incoming?.Dispose(); // deletes its temporary file
            _incoming = writer = SnapshotWriter.Create(SnapshotPath, (ulong)chunk.Index, chunk.Term, chunk.TotalSize);
        }
        if (chunk.Offset + chunk.Chunk.Length <= writer.BytesWritten)
            return; // written already (the job is being carried out again after a log writer restart)
        if (!writer.TryWriteChunk(chunk.Offset, chunk.Chunk.Span))
            throw new StorageException(writer.TempPath, chunk.Offset, $"snapshot chunk at {chunk.Offset} does not follow the {writer.BytesWritten} bytes written");
    }

    /// <summary>Installs the finished incoming snapshot: the file replaces <c>snap</c>, then the log is compacted or discarded.</summary>
    private void InstallReceivedSnapshot(SnapshotInstall install)
    {
        if (_incoming is not { } writer || (long)writer.Index != install.Index || writer.Term != install.Term || !writer.IsComplete)
            throw new InvalidOperationException($"no complete received snapshot {install.Index}/{install.Term} to install");
        _incoming = null;
        using (writer)
            SwapSnapshot(writer.Install());
        Log.SnapshotInstalled(install.Index, install.Term);
        if (!install.KeepLogAfter && Log.LastIndex > install.Index)
            Log.TruncateAfter(install.Index, commitIndex: -1); // the core decided the log does not continue it
        var contents = ReadSnapshotContents?.Invoke(SnapshotPath);
        _lastInstalled = (install.Index, contents?.Configuration is { } data ? ClusterConfiguration.From(data) : null);
        // Idempotency survives the install: the ids the snapshot records are answerable again (zmq-raft loses them, Q29).
        // (Under the log's lock: the peer reads the cache meanwhile.)
        foreach (var (id, index) in contents?.RequestIds ?? [])
            Log.RememberRequestId(id, index);
    }

    /// <summary>
    /// This node's own snapshot, written by the applier at <paramref name="path"/> (already renamed into place):
    /// use it, and compact the log up to its index. With <paramref name="pruneFiles"/>, the log files wholly below
    /// MIN(snapshot index, PRUNE INDEX) are deleted (RAFT.md "Log compaction": no request id still remembered is lost).
    /// </summary>
    /// <returns>False when the snapshot was dropped: one at its index or later (the leader's) is already in place.</returns>
    public bool SnapshotTaken(string path, bool pruneFiles = true)
    {
        ulong index;
        using (var taken = SnapshotFile.Open(path))
            index = taken.Index;
        if ((long)index <= SnapshotId.Index)
        {
            File.Delete(path);
            return false;
        }
        if (path != SnapshotPath)
        {
            FileRotation.ReplaceWithBackup(path, SnapshotPath);
            FileRotation.RemoveHistoryFiles(SnapshotPath);
        }
        var snapshot = SnapshotFile.Open(SnapshotPath);
        SwapSnapshot(snapshot);
        Log.SnapshotInstalled((long)snapshot.Index, snapshot.Term);
        if (pruneFiles)
            Log.DeleteObsoleteFiles();
        return true;
    }

    private void SwapSnapshot(SnapshotFile next)
    {
        SnapshotFile previous;
        lock (_snapshotGate)
        {
            previous = _snapshot;
            _snapshot = next;
        }
        previous.Dispose();
    }

    public void Dispose()
    {
        _incoming?.Dispose();
        Log.Dispose();
        lock (_snapshotGate)
            _snapshot.Dispose();
        _raft.Dispose();
    }
}
