using System.Buffers.Binary;
using System.Runtime.InteropServices;
using RaftRunner.Protocol;

namespace RaftRunner.Storage.Log;

/// <summary>Appending, rolling back and deleting (ACID.md's commit and rollback rules).</summary>
public sealed partial class IndexFile
{
    // ---- append / truncate -----------------------------------------------------------------------------------

    /// <summary>Appends all of <paramref name="entries"/> that fit; returns how many were written (durably).</summary>
    public int Append(IReadOnlyList<LogEntry> entries) => Append(entries, 0, entries.Count);

    /// <summary>
    /// Appends entries[start..start+count) as far as the free slots and MAX_DATASIZE allow, and returns how many
    /// were written (0 when the next entry fits neither: the file is full by slots or by data). On return they are
    /// durable: data first, then (after making sure the slot after the batch is clear — ACID.md's additional safety
    /// step) the offsets, then one fdatasync.
    /// </summary>
    public int Append(IReadOnlyList<LogEntry> entries, int start, int count)
    {
        var n = WritePending(entries, start, count);
        if (n > 0)
        {
            SyncPending();
            CommitPending();
        }
        return n;
    }

    /// <summary>
    /// The first step of <see cref="Append(IReadOnlyList{LogEntry}, int, int)"/>: writes the entries that fit
    /// and their offsets, without the final fdatasync and without counting them (readers of the committed entries
    /// are not disturbed: everything written lies beyond <see cref="Count"/>). Returns how many were written;
    /// <see cref="SyncPending"/> and <see cref="CommitPending"/> finish them.
    /// </summary>
    internal int WritePending(IReadOnlyList<LogEntry> entries, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, entries.Count - start);
        EnsureWritable();
        if (_pending != 0)
            throw new InvalidOperationException($"{FilePath}: an earlier append is not committed");

        var position = (long)DataSize;
        var end = position;
        var n = 0;
        var room = Capacity - _count;
        var maxDataSize = _io.MaxDataSize;
        while (n < room && n < count)
        {
            var size = entries[start + n].Raw.Length;
            if (size < LogEntry.HeaderSize)
                throw new ArgumentException($"entry {start + n} has {size} bytes, less than the {LogEntry.HeaderSize}-byte header", nameof(entries));
            if (end + size > maxDataSize)
                break;
            end += size;
            n++;
        }
        if (n == 0)
            return 0;

        var buffers = new ReadOnlyMemory<byte>[n];
        for (var i = 0; i < n; i++)
            buffers[i] = entries[start + i].Raw;
        try
        {
            RandomAccess.Write(_handle, buffers, DataPosition + position);
            ClearDirtyOffsets(_count + n);
            var offset = position;
            for (var i = 0; i < n; i++)
                _offsets[_count + i] = (uint)(offset += buffers[i].Length);
            WriteOffsets(_count, n);
        }
        catch (Exception e) when (e is IOException or StorageException)
        {
            Array.Clear(_offsets, _count, n);
            throw Fault(e, "append failed");
        }
        _pending = n;
        return n;
    }

    /// <summary>The fdatasync that makes the entries of <see cref="WritePending"/> durable.</summary>
    internal void SyncPending()
    {
        if (_pending == 0)
            return;
        try
        {
            _io.DataSync(_handle, FilePath);
        }
        catch (Exception e) when (e is IOException or StorageException)
        {
            Array.Clear(_offsets, _count, _pending);
            _pending = 0;
            throw Fault(e, "append failed");
        }
    }

    /// <summary>Counts the synced entries of <see cref="WritePending"/> (under the owner's lock, so readers see them from now on).</summary>
    internal void CommitPending()
    {
        _count += _pending;
        _pending = 0;
    }

    /// <summary>Removes the entries from <paramref name="index"/> on, by zeroing their offsets (ACID.md rollback).</summary>
    public void TruncateFrom(long index)
    {
        var (from, cleared) = TruncateInMemory(index);
        WriteTruncation(from, cleared);
    }

    /// <summary>
    /// The first step of <see cref="TruncateFrom"/>: forgets the entries from <paramref name="index"/> on in memory
    /// (under the owner's lock, so readers stop seeing them) and returns what <see cref="WriteTruncation"/> must
    /// then zero on disk.
    /// </summary>
    internal (int From, int Count) TruncateInMemory(long index)
    {
        var slot = index - FirstAllowedIndex;
        if (slot < 0 || slot > _count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{FilePath} holds {FirstAllowedIndex}..{NextIndex - 1}");
        if (slot == _count)
            return ((int)slot, 0);
        EnsureWritable();
        if (_pending != 0)
            throw new InvalidOperationException($"{FilePath}: an append is not committed");
        var from = (int)slot;
        var cleared = _count - from;
        Array.Clear(_offsets, from, cleared);
        _count = from;
        return (from, cleared);
    }

    /// <summary>Writes the zeroed offsets of <see cref="TruncateInMemory"/> and fdatasyncs them.</summary>
    internal void WriteTruncation(int from, int count)
    {
        if (count == 0)
            return;
        try
        {
            WriteOffsets(from, count);
            _io.DataSync(_handle, FilePath);
        }
        catch (Exception e) when (e is IOException or StorageException)
        {
            throw Fault(e, "truncation failed");
        }
    }

    /// <summary>
    /// Empties the file (offsets zeroed and synced first, so that if the unlink is lost in a crash the file comes
    /// back empty and is discarded as an empty last file), closes it, deletes it and fsyncs its directory.
    /// </summary>
    public void Delete()
    {
        if (!IsReadOnly && _count > 0)
            TruncateFrom(FirstAllowedIndex);
        Dispose();
        DurableDirectory.DeleteFile(FilePath);
    }

    /// <summary>The "additional safety step": the slot after a batch must be 0, or a stale offset would extend the log on reopen.</summary>
    private void ClearDirtyOffsets(int from)
    {
        var to = from;
        while (to < Capacity && _offsets[to] != 0)
            to++;
        if (to == from)
            return;
        Array.Clear(_offsets, from, to - from);
        WriteOffsets(from, to - from);
        _io.DataSync(_handle, FilePath);
    }

    private void WriteOffsets(int from, int count)
    {
        var bytes = MemoryMarshal.AsBytes(_offsets.AsSpan(from, count));
        if (!BitConverter.IsLittleEndian)
        {
            var copy = new uint[count];
            BinaryPrimitives.ReverseEndianness(_offsets.AsSpan(from, count), copy);
            bytes = MemoryMarshal.AsBytes(copy.AsSpan());
        }
        RandomAccess.Write(_handle, bytes, IndexFileFormat.OffsetPosition(from));
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (IsReadOnly)
            throw new InvalidOperationException($"{FilePath} is open read-only");
        if (_faulted)
            throw new StorageException(FilePath, null, "an earlier write failed; the file must be reopened before it is written again");
    }

    private StorageException Fault(Exception e, string what)
    {
        // After a failed write or fdatasync the page cache may no longer match the disk (fsyncgate): stop writing.
        _faulted = true;
        return e as StorageException ?? new StorageException(FilePath, null, $"{what}: {e.Message}", e);
    }
}
