using RaftRunner.Protocol;
using RaftRunner.Storage.TokenFiles;

namespace RaftRunner.Storage.Log;

/// <summary>Reading entries, headers and metadata; entries are views into one buffer per read.</summary>
public sealed partial class IndexFile
{
    // ---- read ------------------------------------------------------------------------------------------------

    /// <summary>The byte position of the entry (or of the next entry, for NextIndex) in the file.</summary>
    public long EntryPosition(long index)
    {
        var slot = CheckSlot(index, allowNext: true);
        return DataPosition + (slot == 0 ? 0 : _offsets[slot - 1]);
    }

    public int EntrySize(long index)
    {
        var slot = CheckSlot(index, allowNext: false);
        return (int)(_offsets[slot] - (slot == 0 ? 0 : _offsets[slot - 1]));
    }

    public LogEntry Read(long index) => ReadRange(index, 1)[0];

    /// <summary>Reads <paramref name="count"/> entries with one read; the entries are views into that one buffer.</summary>
    public LogEntry[] ReadRange(long index, int count)
    {
        var result = new LogEntry[count];
        ReadRange(index, result);
        return result;
    }

    /// <summary>Reads destination.Length entries from <paramref name="index"/> with one read into one buffer.</summary>
    public void ReadRange(long index, Span<LogEntry> destination)
    {
        if (destination.Length == 0)
            return;
        var first = CheckSlot(index, allowNext: false);
        CheckSlot(index + destination.Length - 1, allowNext: false);
        var start = first == 0 ? 0u : _offsets[first - 1];
        var buffer = new byte[_offsets[first + destination.Length - 1] - start];
        ReadExactly(buffer, DataPosition + start);
        var position = 0;
        for (var i = 0; i < destination.Length; i++)
        {
            var end = (int)(_offsets[first + i] - start);
            if (!LogEntry.TryWrap(buffer.AsMemory(position, end - position), out destination[i], out var error))
                throw new StorageException(FilePath, DataPosition + start + position, $"entry {index + i}: {error}");
            position = end;
        }
    }

    /// <summary>The number of entries from <paramref name="index"/> (at most <paramref name="maxCount"/>) whose bytes fit in <paramref name="maxBytes"/>; at least 1.</summary>
    public int CountFitting(long index, int maxCount, long maxBytes)
    {
        var first = CheckSlot(index, allowNext: false);
        var limit = Math.Min(maxCount, _count - first);
        var start = first == 0 ? 0u : _offsets[first - 1];
        var n = 1;
        while (n < limit && _offsets[first + n] - start <= maxBytes)
            n++;
        return n;
    }

    public ulong ReadTerm(long index) => ReadHeader(index).Term;

    public EntryHeader ReadHeader(long index)
    {
        Span<EntryHeader> one = stackalloc EntryHeader[1];
        ReadHeaders(index, one);
        return one[0];
    }

    /// <summary>
    /// Reads the headers of destination.Length entries from <paramref name="index"/>. Small entries are read in
    /// contiguous runs of up to 1 MiB (one read for many headers); large ones by their 20 header bytes alone.
    /// </summary>
    public void ReadHeaders(long index, Span<EntryHeader> destination)
    {
        const int SmallEntry = 4096;
        const int RunBytes = 1 << 20;
        if (destination.Length == 0)
            return;
        var first = CheckSlot(index, allowNext: false);
        CheckSlot(index + destination.Length - 1, allowNext: false);
        byte[]? run = null;
        Span<byte> header = stackalloc byte[LogEntry.HeaderSize];
        var i = 0;
        while (i < destination.Length)
        {
            var slot = first + i;
            var start = slot == 0 ? 0u : _offsets[slot - 1];
            if (_offsets[slot] - start < LogEntry.HeaderSize)
                throw new StorageException(FilePath, DataPosition + start, $"entry {index + i} has {_offsets[slot] - start} bytes, less than its {LogEntry.HeaderSize}-byte header");
            var n = 0;
            while (i + n < destination.Length && _offsets[slot + n] - (slot + n == 0 ? 0u : _offsets[slot + n - 1]) <= SmallEntry && _offsets[slot + n] - start <= RunBytes)
                n++;
            if (n <= 1)
            {
                ReadExactly(header, DataPosition + start);
                destination[i++] = EntryHeader.Parse(header);
                continue;
            }
            var length = (int)(_offsets[slot + n - 1] - start);
            run ??= new byte[RunBytes];
            ReadExactly(run.AsSpan(0, length), DataPosition + start);
            for (var k = 0; k < n; k++)
            {
                var entryStart = (int)((slot + k == 0 ? 0u : _offsets[slot + k - 1]) - start);
                if ((int)(_offsets[slot + k] - start) - entryStart < LogEntry.HeaderSize)
                    throw new StorageException(FilePath, DataPosition + start + entryStart, $"entry {index + i + k} is shorter than its {LogEntry.HeaderSize}-byte header");
                destination[i + k] = EntryHeader.Parse(run.AsSpan(entryStart, LogEntry.HeaderSize));
            }
            i += n;
        }
    }

    /// <summary>The META segment, when there is one that decodes.</summary>
    public IndexFileMeta? ReadMeta()
    {
        var tableEnd = IndexFileFormat.OffsetsTablePosition + 4L * Capacity;
        var found = TokenFile.Find(_handle, FilePath, IndexFileFormat.Meta, tableEnd, DataPosition - TokenFile.HeaderSize);
        if (found is not { } meta || meta.DataLength > 1 << 20)
            return null;
        var bytes = new byte[meta.DataLength];
        ReadExactly(bytes, meta.DataOffset);
        return IndexFileMeta.TryDecode(bytes);
    }

    public long FileSize => RandomAccess.GetLength(_handle);

    private void ReadExactly(Span<byte> buffer, long position)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var done = 0;
        try
        {
            while (done < buffer.Length)
            {
                var read = RandomAccess.Read(_handle, buffer[done..], position + done);
                if (read == 0)
                    throw new StorageException(FilePath, position + done, "entry data cut short by the end of the file");
                done += read;
            }
        }
        catch (IOException e)
        {
            throw new StorageException(FilePath, position, $"read failed: {e.Message}", e);
        }
    }

    private int CheckSlot(long index, bool allowNext)
    {
        var slot = index - FirstAllowedIndex;
        if (slot < 0 || slot > _count || (slot == _count && !allowNext))
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Path.GetFileName(FilePath)} holds {FirstAllowedIndex}..{NextIndex - 1}");
        return (int)slot;
    }
}
