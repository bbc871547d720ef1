namespace RaftRunner.Storage.Log;

/// <summary>
/// The index files of one log directory, in order: their first indexes (all known, from the directory scan) and
/// a small LRU of open files, so a long log does not keep every offsets table in memory (zmq-raft caches 50–75).
/// Opening a file that is not the last one also checks the chain: it must be full and end right where the next
/// file starts, otherwise entries would be missing in the middle of the log.
/// </summary>
internal sealed class IndexFileSet : IDisposable
{
    private readonly List<long> _firstIndexes;
    private readonly Dictionary<long, LinkedListNode<IndexFile>> _open = [];
    private readonly LinkedList<IndexFile> _lru = new();
    private readonly int _maxOpen;

    public IndexFileSet(string logDirectory, bool readOnly, int maxOpen = 64)
    {
        LogDirectory = logDirectory;
        ReadOnly = readOnly;
        _maxOpen = Math.Max(2, maxOpen);
        _firstIndexes = IndexFilePath.Discover(logDirectory);
    }

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
        var file = IndexFile.Open(IndexFilePath.FullPath(LogDirectory, first), ReadOnly);
        if (position < Count - 1)
        {
            var next = _firstIndexes[position + 1];
            if (file.LastAllowedIndex + 1 != next || !file.IsFull)
            {
                var problem = file.LastAllowedIndex + 1 != next
                    ? $"its slots end at {file.LastAllowedIndex} but the next file starts at {next}"
                    : $"it holds {file.Count} of {file.Capacity} entries but is followed by {IndexFilePath.BaseName(next)}{IndexFilePath.Extension}";
                file.Dispose();
                throw new StorageException(file.FilePath, null, $"entries missing in the middle of the log: {problem}");
            }
        }
        Track(file);
        return file;
    }

    /// <summary>Creates the file that follows the last one (or the first file when there is none) and makes it the last.</summary>
    public IndexFile CreateNext(long firstIndex, int capacity)
    {
        if (Count > 0 && firstIndex <= _firstIndexes[^1])
            throw new InvalidOperationException($"a new index file must start after {_firstIndexes[^1]}");
        var file = IndexFile.Create(LogDirectory, firstIndex, capacity);
        _firstIndexes.Add(firstIndex);
        Track(file);
        return file;
    }

    /// <summary>Deletes the last file (see <see cref="IndexFile.Delete"/>).</summary>
    public void DeleteLast()
    {
        var file = Last;
        Untrack(file);
        _firstIndexes.RemoveAt(Count - 1);
        file.Delete();
        DurableDirectory.RemoveEmptyParents(file.FilePath, LogDirectory);
    }

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

    /// <summary>Deletes the first file; its entries are before the snapshot, so no emptying first is needed.</summary>
    public string DeleteFirst()
    {
        var path = IndexFilePath.FullPath(LogDirectory, _firstIndexes[0]);
        if (_open.TryGetValue(_firstIndexes[0], out var node))
        {
            Untrack(node.Value);
            node.Value.Dispose();
        }
        _firstIndexes.RemoveAt(0);
        DurableDirectory.DeleteFile(path);
        DurableDirectory.RemoveEmptyParents(path, LogDirectory);
        return path;
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
