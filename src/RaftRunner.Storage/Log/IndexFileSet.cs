namespace RaftRunner.Storage.Log;

/// <summary>
/// The index files of one log directory, in order: their first indexes (all known, from the directory scan) and
/// a small LRU of open files, so a long log does not keep every offsets table in memory (zmq-raft caches 50–75).
/// Opening a file that is not the last one also checks the chain: its entries must end right where the next file
/// starts, otherwise entries would be missing in the middle of the log (or be in two files). A file usually ends
/// with its last slot; one whose entry data filled up (MAX_DATASIZE) ends earlier, and the next file starts at
/// the index after its last entry.
/// Not thread-safe (even <see cref="Get"/> changes the LRU): the owner (<see cref="FileLog"/>) serialises access.
/// The last file is never evicted, so the owner's writer may use it outside that lock.
/// </summary>
internal sealed class IndexFileSet : IDisposable
{
    private readonly List<long> _firstIndexes;
    private readonly Dictionary<long, LinkedListNode<IndexFile>> _open = [];
    private readonly LinkedList<IndexFile> _lru = new();
    private readonly int _maxOpen;
    private readonly IndexFileIo _io;

    public IndexFileSet(string logDirectory, bool readOnly, IndexFileIo? io = null, int maxOpen = 64)
        : this(logDirectory, readOnly, io, maxOpen, IndexFilePath.Discover(logDirectory))
    {
    }

    private IndexFileSet(string logDirectory, bool readOnly, IndexFileIo? io, int maxOpen, List<long> firstIndexes)
    {
        LogDirectory = logDirectory;
        ReadOnly = readOnly;
        _io = io ?? IndexFileIo.Default;
        _maxOpen = Math.Max(2, maxOpen);
        _firstIndexes = firstIndexes;
    }

    /// <summary>A set with no files, without looking at the directory (a log being replaced).</summary>
    public static IndexFileSet None(string logDirectory, bool readOnly) => new(logDirectory, readOnly, null, 2, []);

    public string LogDirectory { get; }

    public bool ReadOnly { get; }

    public int Count => _firstIndexes.Count;

    public IReadOnlyList<long> FirstIndexes => _firstIndexes;

    public IndexFile First => Get(0);

    public IndexFile Last => Get(Count - 1);

    /// <summary>The position of the file whose slots may hold <paramref name="index"/> (greatest first index ≤ index), or −1.</summary>
    public int PositionOf(long index)
    {
        var found = _firstIndexes.BinarySearch(index);
        return found >= 0 ? found : ~found - 1;
    }

    public IndexFile Get(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Count);
        var first = _firstIndexes[position];
        if (_open.TryGetValue(first, out var node))
        {
            _lru.Remove(node);
            _lru.AddLast(node);
            return node.Value;
        }
        var file = IndexFile.Open(IndexFilePath.FullPath(LogDirectory, first), ReadOnly, _io);
        if (position < Count - 1)
        {
            var next = _firstIndexes[position + 1];
            if (file.NextIndex != next)
            {
                var problem = file.NextIndex < next
                    ? $"entries missing in the middle of the log: its last entry is {file.NextIndex - 1} ({file.Count} of {file.Capacity} slots used) but the next file starts at {next}"
                    : $"entries in two files: its last entry is {file.NextIndex - 1} but the next file starts at {next}";
                file.Dispose();
                throw new StorageException(file.FilePath, null, problem);
            }
        }
        Track(file);
        return file;
    }

    /// <summary>Makes a created file (<see cref="IndexFile.Create(string, long, int, DateTimeOffset?)"/>) the last one.</summary>
    public void AddLast(IndexFile file)
    {
        if (Count > 0 && file.FirstAllowedIndex <= _firstIndexes[^1])
            throw new InvalidOperationException($"a new index file must start after {_firstIndexes[^1]}");
        _firstIndexes.Add(file.FirstAllowedIndex);
        Track(file);
    }

    /// <summary>Takes the last file out of the set, still open; the caller deletes it (<see cref="DeleteDetached"/>).</summary>
    public IndexFile DetachLast()
    {
        var file = Last;
        Untrack(file);
        _firstIndexes.RemoveAt(Count - 1);
        return file;
    }

    /// <summary>Deletes a detached file (see <see cref="IndexFile.Delete"/>) and the directories it leaves empty.</summary>
    public void DeleteDetached(IndexFile file)
    {
        file.Delete();
        DurableDirectory.RemoveEmptyParents(file.FilePath, LogDirectory);
    }

    /// <summary>Deletes the last file (see <see cref="IndexFile.Delete"/>).</summary>
    public void DeleteLast() => DeleteDetached(DetachLast());

    /// <summary>Drops the last file from view without touching it (read-only opening skips empty trailing files).</summary>
    public void ForgetLast()
    {
        if (_open.TryGetValue(_firstIndexes[^1], out var node))
        {
            Untrack(node.Value);
            node.Value.Dispose();
        }
        _firstIndexes.RemoveAt(Count - 1);
    }

    /// <summary>
    /// Takes the first file out of the set (closing it) and returns its path; the caller deletes it
    /// (<see cref="DeleteDetachedFirst"/>): its entries are before the snapshot, so no emptying first is needed.
    /// </summary>
    public string DetachFirst()
    {
        var path = IndexFilePath.FullPath(LogDirectory, _firstIndexes[0]);
        if (_open.TryGetValue(_firstIndexes[0], out var node))
        {
            Untrack(node.Value);
            node.Value.Dispose();
        }
        _firstIndexes.RemoveAt(0);
        return path;
    }

    /// <summary>Deletes a file <see cref="DetachFirst"/> returned, durably, and the directories it leaves empty.</summary>
    public void DeleteDetachedFirst(string path)
    {
        DurableDirectory.DeleteFile(path);
        DurableDirectory.RemoveEmptyParents(path, LogDirectory);
    }

    private void Track(IndexFile file)
    {
        _open[file.FirstAllowedIndex] = _lru.AddLast(file);
        // Evict the least recently used, never the last file (the append target).
        var node = _lru.First;
        while (_open.Count > _maxOpen && node is not null)
        {
            var next = node.Next;
            if (node.Value.FirstAllowedIndex != _firstIndexes[^1])
            {
                Untrack(node.Value);
                node.Value.Dispose();
            }
            node = next;
        }
    }

    private void Untrack(IndexFile file)
    {
        if (_open.Remove(file.FirstAllowedIndex, out var node))
            _lru.Remove(node);
    }

    public void Dispose()
    {
        foreach (var file in _lru)
            file.Dispose();
        _lru.Clear();
        _open.Clear();
    }
}
