using System.Globalization;
using RaftRunner.Protocol;

namespace RaftRunner.Storage.Log;

public sealed partial class FileLog
{
    /// <summary>
    /// Appends <paramref name="entries"/> after LastIndex and returns the new LastIndex. Durable on return: one
    /// fdatasync per index file touched (a batch may cross into new files, created durably). A file takes entries
    /// while it has free slots and room for their data (MAX_DATASIZE); then the next file starts at the next index.
    /// Readers see the entries of each file once they are synced, and are never held up by the sync. A failure
    /// leaves the entries written so far (a prefix of the batch) in the log and stops all further writes.
    /// </summary>
    public long Append(IReadOnlyList<LogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_writeGate)
        {
            EnsureWritable();
            var maxDataSize = _io.MaxDataSize;
            for (var i = 0; i < entries.Count; i++)
            {
                var size = entries[i].Raw.Length;
                if (size < LogEntry.HeaderSize)
                    throw new ArgumentException($"entry {i} is not a log entry ({size} bytes)", nameof(entries));
                if (size > maxDataSize)
                    throw new ArgumentException($"entry {i} has {size} bytes: more than an index file holds ({maxDataSize} bytes)", nameof(entries));
            }
            if (LastIndex + entries.Count > IndexFileFormat.MaxIndex)
                throw new ArgumentOutOfRangeException(nameof(entries), "the log would go past index 2^53 - 1");
            var done = 0;
            try
            {
                while (done < entries.Count)
                {
                    IndexFile file;
                    lock (_gate)
                        file = _files.Last;
                    var n = file.WritePending(entries, done, entries.Count - done);
                    if (n == 0)
                    {
                        if (file.IsEmpty)
                            throw new StorageException(file.FilePath, null, $"index {file.NextIndex} does not fit in an empty index file");
                        // Full, by slots or by data: the next file is named by the next index. After a file full
                        // by slots that is its aligned boundary; after one full by data, the new file's capacity
                        // ends where the full file's slots end (IndexFile.Create), and the alignment resumes.
                        var next = CreateFile(file.NextIndex);
                        lock (_gate)
                            _files.AddLast(next);
                        continue;
                    }
                    file.SyncPending();
                    lock (_gate)
                    {
                        file.CommitPending();
                        Appended(entries, done, n);
                    }
                    done += n;
                }
            }
            catch (StorageException)
            {
                _faulted = true;
                throw;
            }
            return LastIndex;
        }
    }

    private void Appended(IReadOnlyList<LogEntry> entries, int start, int count)
    {
        var lastIndex = LastIndex;
        for (var i = 0; i < count; i++)
        {
            var entry = entries[start + i];
            var id = entry.RequestId;
            if (!IsReadOnly && RequestIdCache.IsTracked(id, entry.Type))
                RequestIds.Add(id, lastIndex + 1 + i);
        }
        LastTerm = entries[start + count - 1].Term;
        LastIndex = lastIndex + count;
    }

    /// <summary>
    /// Removes every entry after <paramref name="index"/> (a follower's conflicting suffix). Refuses, with a
    /// <see cref="LogTruncationException"/> and no change, to remove anything at or below
    /// <paramref name="commitIndex"/>. Files after the new end are emptied and deleted, last first, so a crash
    /// at any point leaves a log that is a prefix of the old one. Readers stop seeing the removed entries at once;
    /// the disk follows, outside the state lock.
    /// </summary>
    public void TruncateAfter(long index, long commitIndex)
    {
        lock (_writeGate)
        {
            EnsureWritable();
            if (index >= LastIndex)
                return;
            if (index < commitIndex)
                throw new LogTruncationException(index, commitIndex);
            if (index < SnapshotIndex)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"cannot truncate into the snapshot (index {SnapshotIndex})");
            var detached = new List<IndexFile>();
            IndexFile kept;
            (int From, int Count) cut;
            try
            {
                lock (_gate)
                {
                    var term = index == SnapshotIndex ? SnapshotTerm : FileOf(index).ReadTerm(index);
                    while (true)
                    {
                        var last = _files.Last;
                        if (last.FirstAllowedIndex <= index
                            || (last.FirstAllowedIndex == index + 1 && (_files.Count == 1 || index + 1 == FirstIndex)))
                        {
                            kept = last;
                            break;
                        }
                        detached.Add(_files.DetachLast());
                    }
                    cut = kept.TruncateInMemory(index + 1);
                    LastIndex = index;
                    LastTerm = term;
                    RequestIds.RemoveFrom(index + 1);
                }
                // The disk in the order that keeps a prefix through any crash: later files emptied and deleted,
                // last first, then the new last file's offsets zeroed.
                foreach (var file in detached)
                    _files.DeleteDetached(file);
                kept.WriteTruncation(cut.From, cut.Count);
            }
            catch (StorageException)
            {
                _faulted = true;
                throw;
            }
        }
    }

    /// <summary>
    /// Deletes the index files all of whose entries are below <paramref name="index"/> and below FirstIndex
    /// (covered by the snapshot), oldest first; the last file is always kept. Returns the deleted paths. Pass
    /// min(PruneIndex, SnapshotIndex) + 1 to keep idempotency (RAFT.md "Log compaction"), or use <see cref="DeleteObsoleteFiles"/>.
    /// </summary>
    public IReadOnlyList<string> DeleteFilesBefore(long index)
    {
        lock (_writeGate)
        {
            EnsureWritable();
            var limit = Math.Min(index, FirstIndex);
            var removed = new List<string>();
            try
            {
                lock (_gate)
                {
                    // A file's last entry is the one before the next file's first index (the chain is contiguous,
                    // whether the file filled its slots or its data).
                    while (_files.Count > 1 && _files.FirstIndexes[1] - 1 < limit)
                        removed.Add(_files.DetachFirst());
                }
                foreach (var path in removed)
                    _files.DeleteDetachedFirst(path);
            }
            catch (StorageException)
            {
                _faulted = true;
                throw;
            }
            return removed;
        }
    }

    /// <summary>Deletes the files covered by both the snapshot and the PRUNE INDEX.</summary>
    public IReadOnlyList<string> DeleteObsoleteFiles()
    {
        lock (_writeGate)
            return DeleteFilesBefore(Math.Min(PruneIndex, SnapshotIndex) + 1);
    }

    /// <summary>
    /// Tells the log a snapshot up to <paramref name="index"/> with <paramref name="term"/> was installed (the
    /// snapshot file itself is written by the snapshot store). When the log has that entry with that term it is a
    /// compaction: FirstIndex becomes index + 1 and the files stay (see <see cref="DeleteFilesBefore"/>). Otherwise
    /// the snapshot replaces the log (zmq-raft installSnapshot): the log directory is renamed aside to
    /// <c>DIR-yyyy-MM-dd-HHmmss-fffN</c> and a new log starts at index + 1. Returns that renamed directory, or null.
    /// </summary>
    public string? SnapshotInstalled(long index, ulong term)
    {
        lock (_writeGate)
        {
            EnsureWritable();
            if (index == SnapshotIndex && term == SnapshotTerm)
                return null;
            if (index < SnapshotIndex)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"older than the current snapshot (index {SnapshotIndex})");
            lock (_gate)
            {
                if (index <= LastIndex && (index == LastIndex ? LastTerm : FileOf(index).ReadTerm(index)) == term)
                {
                    SnapshotIndex = index;
                    SnapshotTerm = term;
                    FirstIndex = index + 1;
                    return null;
                }
            }
            return DiscardLog(index, term);
        }
    }

    /// <summary>
    /// Renames the log directory aside and starts an empty log after the snapshot. Readers see the empty log at
    /// once (no file: nothing is readable but the snapshot's term); the new directory and file come after.
    /// </summary>
    private string DiscardLog(long snapshotIndex, ulong snapshotTerm)
    {
        try
        {
            lock (_gate)
            {
                _files.Dispose();
                _files = IndexFileSet.None(LogDirectory, readOnly: false);
                SetEmpty(snapshotIndex, snapshotTerm);
            }
            var rotated = RotateName(LogDirectory);
            DurableDirectory.Rename(LogDirectory, rotated);
            DurableDirectory.Create(LogDirectory);
            var files = new IndexFileSet(LogDirectory, readOnly: false, _io);
            files.AddLast(CreateFile(snapshotIndex + 1));
            lock (_gate)
                _files = files;
            return rotated;
        }
        catch (StorageException)
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>zmq-raft's createRotateName: NAME-yyyy-MM-dd-HHmmss-fff plus a base-36 counter (UTC).</summary>
    private static string RotateName(string path)
    {
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd'-'HHmmss'-'fff", CultureInfo.InvariantCulture);
        for (var counter = 0; ; counter++)
        {
            var candidate = $"{path}-{stamp}{(counter < 10 ? (char)('0' + counter) : (char)('a' + counter - 10))}";
            if (!Directory.Exists(candidate) && !File.Exists(candidate))
                return candidate;
            if (counter == 35)
                stamp += "x";
        }
    }

    private void EnsureWritable()
    {
        ThrowIfDisposed();
        if (IsReadOnly)
            throw new InvalidOperationException($"the log in {LogDirectory} is open read-only");
        if (_faulted)
            throw new StorageException(LogDirectory, null, "an earlier write failed; the log must be reopened");
    }
}
