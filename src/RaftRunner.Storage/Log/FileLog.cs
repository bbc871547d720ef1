using RaftRunner.Protocol;

namespace RaftRunner.Storage.Log;

/// <summary>
/// The Raft log as a directory of index files (ACID.md "Log"; zmq-raft's FileLog without the snapshot, which is
/// written elsewhere and only enters here as its index and term). Entries FirstIndex..LastIndex are readable;
/// FirstIndex is the snapshot index + 1 (or the first file's first slot, if later — which only a missing snapshot
/// allows and is refused). Appends are synchronous and durable on return.
/// </summary>
/// <remarks>
/// <para>Files: each is named by the first index it may hold and holds up to its capacity of entries, new files
/// being aligned on multiples of the log's capacity (zmq-raft's layout). A file whose entry data reaches
/// MAX_DATASIZE (1 GiB) before its slots run out is followed by a file named by the next index, whose capacity
/// ends where the full file's slots would have ended, so the alignment resumes after it. (zmq-raft 0.5.0 cannot
/// go on at that point: it creates the next file after the last slot and its append fails.)</para>
/// <para>Threads: one thread writes (Append, TruncateAfter, DeleteFilesBefore, SnapshotInstalled — serialised
/// among themselves by a writer lock); any thread may read. Readers take the state lock only for in-memory state
/// and reads of entries already durable, never across an fdatasync: a write does its file I/O and syncs outside
/// the state lock and then publishes its result under it — an append's entries, LastIndex, LastTerm and request
/// ids once they are durable, a truncation's new end before its zeroed offsets reach the disk (a reader never
/// sees entries being removed, nor entries not yet durable).</para>
/// </remarks>
public sealed partial class FileLog : IDisposable
{
    private readonly Lock _gate = new();       // in-memory state, the file set, reads; never held across a sync
    private readonly Lock _writeGate = new();  // one write at a time, with its I/O and syncs
    private readonly FileLogOptions _options;
    private readonly IndexFileIo _io;
    private IndexFileSet _files = null!;
    private int _capacity;
    private bool _faulted;
    private bool _disposed;
    private long _firstIndex;
    private long _lastIndex;
    private ulong _lastTerm;
    private long _snapshotIndex;
    private ulong _snapshotTerm;

    private FileLog(string logDirectory, FileLogOptions options)
    {
        LogDirectory = Path.GetFullPath(logDirectory);
        _options = options;
        _io = options.Io ?? IndexFileIo.Default;
        SnapshotIndex = options.SnapshotIndex;
        SnapshotTerm = options.SnapshotTerm;
        RequestIds = new RequestIdCache(options.RequestIdTtl, options.RequestIdCacheMax, options.TimeProvider);
    }

    /// <summary>The log directory (the <c>log</c> sub-directory of a zmq-raft data directory).</summary>
    public string LogDirectory { get; }

    public bool IsReadOnly => _options.ReadOnly;

    /// <summary>The first readable entry: snapshot index + 1.</summary>
    public long FirstIndex
    {
        get => Volatile.Read(ref _firstIndex);
        private set => Volatile.Write(ref _firstIndex, value);
    }

    /// <summary>The last durable entry (= SnapshotIndex when the log holds no entry after the snapshot).</summary>
    public long LastIndex
    {
        get => Volatile.Read(ref _lastIndex);
        private set => Volatile.Write(ref _lastIndex, value);
    }

    public ulong LastTerm
    {
        get => Volatile.Read(ref _lastTerm);
        private set => Volatile.Write(ref _lastTerm, value);
    }

    public long SnapshotIndex
    {
        get => Volatile.Read(ref _snapshotIndex);
        private set => Volatile.Write(ref _snapshotIndex, value);
    }

    public ulong SnapshotTerm
    {
        get => Volatile.Read(ref _snapshotTerm);
        private set => Volatile.Write(ref _snapshotTerm, value);
    }

    /// <summary>Slots per new index file (a power of 2).</summary>
    public int IndexFileCapacity => _capacity;

    /// <summary>
    /// The request ids of recent STATE/CONFIG entries (empty when read-only), kept up to date by appends and
    /// truncations (under the log's state lock). Not thread-safe itself: while other threads may use the log, use
    /// <see cref="TryGetRequestIndex"/>, <see cref="RememberRequestId"/> and <see cref="RemoveExpiredRequestIds"/>.
    /// </summary>
    public RequestIdCache RequestIds { get; }

    /// <summary>The index a request id was appended at, while it is remembered (RequestUpdate idempotency).</summary>
    public bool TryGetRequestIndex(RequestId requestId, out long index)
    {
        lock (_gate)
            return RequestIds.TryGet(requestId, out index);
    }

    /// <summary>
    /// Remembers <paramref name="requestId"/> at <paramref name="index"/> unless it is remembered already (ids a
    /// snapshot records, after it was installed); see <see cref="RequestIdCache.Add"/>. False when not added.
    /// </summary>
    public bool RememberRequestId(RequestId requestId, long index)
    {
        lock (_gate)
            return !RequestIds.TryGet(requestId, out _) && RequestIds.Add(requestId, index);
    }

    /// <summary>Forgets expired request ids and those over request-id-cache-max (call periodically; zmq-raft does every 10 s).</summary>
    public int RemoveExpiredRequestIds()
    {
        lock (_gate)
            return RequestIds.RemoveExpired();
    }

    /// <summary>
    /// RAFT.md's PRUNE INDEX: the index just below the oldest request id still remembered (the last index when none
    /// is); files entirely at or below it (and below the snapshot) can go without losing idempotency.
    /// </summary>
    public long PruneIndex
    {
        get
        {
            lock (_gate)
                return RequestIds.FirstFreshIndex is { } first ? first - 1 : LastIndex;
        }
    }

    /// <summary>
    /// Opens (or, unless read-only, creates) the log in <paramref name="logDirectory"/>. Opening removes empty index
    /// files at the end (left by an interrupted truncation or file creation), reads the last term, and rebuilds the
    /// request-id cache. A snapshot past the last index discards the log (renamed aside, as zmq-raft does).
    /// </summary>
    public static FileLog Open(string logDirectory, FileLogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDirectory);
        options ??= new FileLogOptions();
        options.Validate();
        var log = new FileLog(logDirectory, options);
        try
        {
            log.Load();
        }
        catch
        {
            log.Dispose();
            throw;
        }
        return log;
    }

    private void Load()
    {
        var snapshotIndex = SnapshotIndex;
        if (IsReadOnly)
        {
            if (!Directory.Exists(LogDirectory))
                throw new StorageException(LogDirectory, null, "log directory does not exist");
        }
        else
        {
            DurableDirectory.Create(LogDirectory);
        }
        _files = new IndexFileSet(LogDirectory, IsReadOnly, _io);
        _capacity = _options.IndexFileCapacity;

        if (_files.Count == 0)
        {
            if (!IsReadOnly)
                _files.AddLast(CreateFile(snapshotIndex + 1));
            SetEmpty(snapshotIndex, SnapshotTerm);
            return;
        }

        // Empty files at the end are left by an interrupted truncation or file creation; checking the first
        // file's chain before they are gone would wrongly report the files before them as incomplete.
        while (_files.Count > 1 && _files.Last.IsEmpty)
        {
            if (IsReadOnly)
                _files.ForgetLast();
            else
                _files.DeleteLast();
        }

        var first = _files.First;
        if (snapshotIndex + 1 < first.FirstAllowedIndex)
            throw new StorageException(first.FilePath, null, $"the log starts at index {first.FirstAllowedIndex} but the snapshot ends at {snapshotIndex}: entries in between are missing");
        var firstAllowed = first.FirstAllowedIndex;
        _capacity = CapacityOf(first, _options.IndexFileCapacity);

        var last = _files.Last;
        LastIndex = last.NextIndex - 1;
        FirstIndex = Math.Max(firstAllowed, snapshotIndex + 1);
        if (LastIndex < snapshotIndex)
        {
            // The snapshot was installed past the end of the log (the log was to be replaced but the process
            // stopped first): the log is obsolete.
            if (IsReadOnly)
                SetEmpty(snapshotIndex, SnapshotTerm);
            else
                DiscardLog(snapshotIndex, SnapshotTerm);
            return;
        }
        LastTerm = LastIndex == snapshotIndex ? SnapshotTerm : last.ReadTerm(LastIndex);
        if (!IsReadOnly)
            RequestIdCacheLoader.Rebuild(RequestIds, _files, LastIndex);
    }

    /// <summary>
    /// The capacity of new files in an existing log. zmq-raft derives it from the first file (the next power of 2
    /// of its capacity), so both implementations continue a log with the same file boundaries. A first file that
    /// starts mid-way — the first after a snapshot replaced the log, or the one after a file that filled by data —
    /// has fewer slots than the log was created with, and that rule would shrink every later file, down to one
    /// entry per file; such a file ends on a boundary of the original capacity, so when the configured capacity is
    /// larger and the first file ends on a multiple of it, the configured capacity is kept.
    /// </summary>
    private static int CapacityOf(IndexFile first, int configured)
    {
        var derived = System.Numerics.BitOperations.RoundUpToPowerOf2((uint)first.Capacity);
        if (derived > IndexFileFormat.MaxCapacity)
            throw new StorageException(first.FilePath, 12, $"capacity {first.Capacity} implies an index file capacity above the maximum");
        if (configured > derived && (first.FirstAllowedIndex + first.Capacity) % configured == 0)
            return configured;
        return (int)derived;
    }

    private IndexFile CreateFile(long firstIndex) => IndexFile.Create(LogDirectory, firstIndex, _capacity, created: null, _io);

    private void SetEmpty(long snapshotIndex, ulong snapshotTerm)
    {
        SnapshotIndex = snapshotIndex;
        SnapshotTerm = snapshotTerm;
        FirstIndex = snapshotIndex + 1;
        LastIndex = snapshotIndex;
        LastTerm = snapshotTerm;
        RequestIds.Clear();
    }

    // ---- reads -----------------------------------------------------------------------------------------------

    /// <summary>The term of the entry at <paramref name="index"/>: the snapshot's term at SnapshotIndex, null outside SnapshotIndex..LastIndex.</summary>
    public ulong? TermAt(long index)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (index == LastIndex)
                return LastTerm;
            if (index == SnapshotIndex)
                return SnapshotTerm;
            if (index < FirstIndex || index > LastIndex)
                return null;
            return FileOf(index).ReadTerm(index);
        }
    }

    public LogEntry GetEntry(long index)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            CheckRange(index, index);
            return FileOf(index).Read(index);
        }
    }

    /// <summary>Entries <paramref name="from"/>..<paramref name="to"/> (inclusive; empty when to &lt; from), read with one read per index file.</summary>
    public IReadOnlyList<LogEntry> GetEntries(long from, long to)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (to < from)
                return [];
            CheckRange(from, to);
            var result = new LogEntry[checked((int)(to - from + 1))];
            var done = 0;
            while (done < result.Length)
            {
                var index = from + done;
                var file = FileOf(index);
                var n = (int)Math.Min(result.Length - done, file.NextIndex - index);
                file.ReadRange(index, result.AsSpan(done, n));
                done += n;
            }
            return result;
        }
    }

    /// <summary>
    /// Streams entries <paramref name="from"/>..<paramref name="to"/> in chunks of about
    /// <paramref name="maxChunkBytes"/> (one read each), so a long range never sits in memory at once.
    /// </summary>
    public IEnumerable<LogEntry> ReadEntries(long from, long to, int maxChunkBytes = 1 << 20)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (to >= from)
                CheckRange(from, to);
        }
        return Stream(from, to, maxChunkBytes);
    }

    private IEnumerable<LogEntry> Stream(long from, long to, int maxChunkBytes)
    {
        var next = from;
        while (next <= to)
        {
            LogEntry[] chunk;
            lock (_gate)
            {
                ThrowIfDisposed();
                CheckRange(next, to);
                var file = FileOf(next);
                var n = file.CountFitting(next, (int)Math.Min(int.MaxValue, to - next + 1), maxChunkBytes);
                chunk = file.ReadRange(next, n);
            }
            foreach (var entry in chunk)
                yield return entry;
            next += chunk.Length;
        }
    }

    /// <summary>
    /// The last entry stored in the index file that holds <paramref name="index"/> (FirstIndex..LastIndex): where
    /// zmq-raft's entries stream (logstream.js) ends one file's read and starts the next. That is the file's last
    /// slot unless the file filled by data first (or is the last file).
    /// </summary>
    public long LastIndexInFileOf(long index)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            CheckRange(index, index);
            return FileOf(index).NextIndex - 1;
        }
    }

    /// <summary>A description of every index file, oldest first (for inspection).</summary>
    public IReadOnlyList<IndexFileInfo> DescribeFiles()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            var result = new List<IndexFileInfo>(_files.Count);
            for (var i = 0; i < _files.Count; i++)
                result.Add(IndexFileInfo.Of(_files.Get(i), LogDirectory));
            return result;
        }
    }

    private IndexFile FileOf(long index)
    {
        var position = _files.PositionOf(index);
        if (position < 0)
            throw new StorageException(LogDirectory, null, $"no index file holds index {index}");
        return _files.Get(position);
    }

    private void CheckRange(long from, long to)
    {
        if (from < FirstIndex || to > LastIndex || from > to)
            throw new ArgumentOutOfRangeException(nameof(from), $"{from}..{to} is not within the log's {FirstIndex}..{LastIndex}");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        lock (_writeGate)
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _files?.Dispose();
        }
    }

    public override string ToString() => $"FileLog({LogDirectory}, {FirstIndex}..{LastIndex}, last term {LastTerm})";
}
