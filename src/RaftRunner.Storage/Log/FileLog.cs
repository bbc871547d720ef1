using RaftRunner.Protocol;

namespace RaftRunner.Storage.Log;

/// <summary>
/// The Raft log as a directory of index files (ACID.md "Log"; zmq-raft's FileLog without the snapshot, which is
/// written elsewhere and only enters here as its index and term). Entries FirstIndex..LastIndex are readable;
/// FirstIndex is the snapshot index + 1 (or the first file's first slot, if later — which only a missing snapshot
/// allows and is refused). Appends are synchronous and durable on return. All members are serialised by one lock.
/// </summary>
public sealed partial class FileLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly FileLogOptions _options;
    private IndexFileSet _files = null!;
    private int _capacity;
    private bool _faulted;
    private bool _disposed;

    private FileLog(string logDirectory, FileLogOptions options)
    {
        LogDirectory = Path.GetFullPath(logDirectory);
        _options = options;
        SnapshotIndex = options.SnapshotIndex;
        SnapshotTerm = options.SnapshotTerm;
        RequestIds = new RequestIdCache(options.RequestIdTtl, options.RequestIdCacheMax, options.TimeProvider);
    }

    /// <summary>The log directory (the <c>log</c> sub-directory of a zmq-raft data directory).</summary>
    public string LogDirectory { get; }

    public bool IsReadOnly => _options.ReadOnly;

    /// <summary>The first readable entry: snapshot index + 1.</summary>
    public long FirstIndex { get; private set; }

    /// <summary>The last entry (= SnapshotIndex when the log holds no entry after the snapshot).</summary>
    public long LastIndex { get; private set; }

    public ulong LastTerm { get; private set; }

    public long SnapshotIndex { get; private set; }

    public ulong SnapshotTerm { get; private set; }

    /// <summary>Slots per new index file (a power of 2).</summary>
    public int IndexFileCapacity => _capacity;

    /// <summary>
    /// The request ids of recent STATE/CONFIG entries (empty when read-only), kept up to date by appends and
    /// truncations. Not guarded by the log's lock: use it from the thread that writes the log, or use
    /// <see cref="TryGetRequestIndex"/> and <see cref="RemoveExpiredRequestIds"/>.
    /// </summary>
    public RequestIdCache RequestIds { get; }

    /// <summary>The index a request id was appended at, while it is remembered (RequestUpdate idempotency).</summary>
    public bool TryGetRequestIndex(RequestId requestId, out long index)
    {
        lock (_gate)
            return RequestIds.TryGet(requestId, out index);
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
        _files = new IndexFileSet(LogDirectory, IsReadOnly);
        _capacity = _options.IndexFileCapacity;

        if (_files.Count == 0)
        {
            if (!IsReadOnly)
                _files.CreateNext(snapshotIndex + 1, _capacity);
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
        // zmq-raft derives the capacity of new files from the first file (next power of 2 of its capacity), so
        // both implementations continue an existing log with the same file boundaries.
        _capacity = (int)Math.Min(uint.MaxValue, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)first.Capacity));
        if (_capacity > IndexFileFormat.MaxCapacity)
            throw new StorageException(first.FilePath, 12, $"capacity {first.Capacity} implies an index file capacity above the maximum");

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
