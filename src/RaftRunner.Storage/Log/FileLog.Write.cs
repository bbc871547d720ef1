using System.Globalization;
using RaftRunner.Protocol;

namespace RaftRunner.Storage.Log;

public sealed partial class FileLog
{
    /// <summary>
    /// Appends <paramref name="entries"/> after LastIndex and returns the new LastIndex. Durable on return: one
    /// fdatasync per index file touched (a batch may cross into new files, created durably). A failure leaves the
    /// entries written so far (a prefix of the batch) in the log and stops all further writes.
    /// </summary>
    public long Append(IReadOnlyList<LogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            EnsureWritable();
            for (var i = 0; i < entries.Count; i++)
                if (entries[i].Raw.Length < LogEntry.HeaderSize)
                    throw new ArgumentException($"entry {i} is not a log entry ({entries[i].Raw.Length} bytes)", nameof(entries));
            if (LastIndex + entries.Count > IndexFileFormat.MaxIndex)
                throw new ArgumentOutOfRangeException(nameof(entries), "the log would go past index 2^53 - 1");
            var done = 0;
            try
            {
                while (done < entries.Count)
                {
                    var file = _files.Last;
                    if (file.IsFull)
                        file = _files.CreateNext(file.LastAllowedIndex + 1, _capacity);
                    var n = file.Append(entries, done, entries.Count - done);
                    if (n == 0)
                        throw new StorageException(file.FilePath, null, $"index {file.NextIndex} does not fit: the file's entry data would exceed {IndexFileFormat.MaxDataSize} bytes");
                    Appended(entries, done, n);
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
        for (var i = 0; i < count; i++)
        {
            var entry = entries[start + i];
            var id = entry.RequestId;
            if (!IsReadOnly && RequestIdCache.IsTracked(id, entry.Type))
                RequestIds.Add(id, LastIndex + 1 + i);
        }
        LastIndex += count;
        LastTerm = entries[start + count - 1].Term;
    }

    /// <summary>
    /// Removes every entry after <paramref name="index"/> (a follower's conflicting suffix). Refuses, with a
    /// <see cref="LogTruncationException"/> and no change, to remove anything at or below
    /// <paramref name="commitIndex"/>. Files after the new end are emptied and deleted, last first, so a crash
    /// at any point leaves a log that is a prefix of the old one.
    /// </summary>
    public void TruncateAfter(long index, long commitIndex)
    {
        lock (_gate)
        {
            EnsureWritable();
            if (index >= LastIndex)
                return;
            if (index < commitIndex)
                throw new LogTruncationException(index, commitIndex);
            if (index < SnapshotIndex)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"cannot truncate into the snapshot (index {SnapshotIndex})");
            var term = index == SnapshotIndex ? SnapshotTerm : FileOf(index).ReadTerm(index);
            try
            {
                while (true)
                {
                    var last = _files.Last;
                    if (last.FirstAllowedIndex <= index
                        || (last.FirstAllowedIndex == index + 1 && (_files.Count == 1 || index + 1 == FirstIndex)))
                    {
                        last.TruncateFrom(index + 1);
                        break;
                    }
                    _files.DeleteLast();
                }
            }
            catch (StorageException)
            {
                _faulted = true;
                throw;
            }
            LastIndex = index;
            LastTerm = term;
            RequestIds.RemoveFrom(index + 1);
        }
    }

    /// <summary>
    /// Deletes the index files all of whose slots are below <paramref name="index"/> and below FirstIndex (covered
    /// by the snapshot), oldest first; the last file is always kept. Returns the deleted paths. Pass
    /// min(PruneIndex, SnapshotIndex) + 1 to keep idempotency (RAFT.md "Log compaction"), or use <see cref="DeleteObsoleteFiles"/>.
    /// </summary>
    public IReadOnlyList<string> DeleteFilesBefore(long index)
    {
        lock (_gate)
        {
            EnsureWritable();
            var limit = Math.Min(index, FirstIndex);
            var removed = new List<string>();
            try
            {
                // A file's last slot is the slot before the next file's first one (the chain is contiguous).
                while (_files.Count > 1 && _files.FirstIndexes[1] - 1 < limit)
                    removed.Add(_files.DeleteFirst());
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
    public IReadOnlyList<string> DeleteObsoleteFiles() => DeleteFilesBefore(Math.Min(PruneIndex, SnapshotIndex) + 1);

    /// <summary>
    /// Tells the log a snapshot up to <paramref name="index"/> with <paramref name="term"/> was installed (the
    /// snapshot file itself is written by the snapshot store). When the log has that entry with that term it is a
    /// compaction: FirstIndex becomes index + 1 and the files stay (see <see cref="DeleteFilesBefore"/>). Otherwise
    /// the snapshot replaces the log (zmq-raft installSnapshot): the log directory is renamed aside to
    /// <c>DIR-yyyy-MM-dd-HHmmss-fffN</c> and a new log starts at index + 1. Returns that renamed directory, or null.
    /// </summary>
    public string? SnapshotInstalled(long index, ulong term)
    {
        lock (_gate)
        {
            EnsureWritable();
            if (index == SnapshotIndex && term == SnapshotTerm)
                return null;
            if (index < SnapshotIndex)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"older than the current snapshot (index {SnapshotIndex})");
            if (index <= LastIndex && (index == LastIndex ? LastTerm : FileOf(index).ReadTerm(index)) == term)
            {
                SnapshotIndex = index;
                SnapshotTerm = term;
                FirstIndex = index + 1;
                return null;
            }
            return DiscardLog(index, term);
        }
    }

    private string DiscardLog(long snapshotIndex, ulong snapshotTerm)
    {
        try
        {
            _files.Dispose();
            var rotated = RotateName(LogDirectory);
            DurableDirectory.Rename(LogDirectory, rotated);
            DurableDirectory.Create(LogDirectory);
            _files = new IndexFileSet(LogDirectory, readOnly: false);
            _files.CreateNext(snapshotIndex + 1, _capacity);
            SetEmpty(snapshotIndex, snapshotTerm);
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
