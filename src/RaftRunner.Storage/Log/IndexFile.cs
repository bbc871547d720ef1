using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using RaftRunner.Storage.Files;
using RaftRunner.Storage.TokenFiles;

namespace RaftRunner.Storage.Log;

/// <summary>
/// One segment file of the log (ACID.md "Index File", <see cref="IndexFileFormat"/>). It holds the entries of
/// the slots [FirstAllowedIndex, FirstAllowedIndex + Capacity); the offsets table is kept in memory. An entry is
/// committed by its offset: entry data is written first, then the offsets, then one fdatasync, so a crash before
/// the offsets reach the disk loses the batch cleanly. The number of entries is the number of non-zero offsets
/// before the first zero; anything after that (data or dirty offsets) is a torn tail and is ignored.
/// A file need not use all its slots: one whose entry data is full (<see cref="IndexFileFormat.MaxDataSize"/>) is
/// followed by a file named by the next index (see <see cref="FileLog"/>).
/// Not thread-safe, with one exception the owner (<see cref="FileLog"/>) relies on: while one thread appends in
/// steps (<see cref="WritePending"/>, <see cref="SyncPending"/>, then <see cref="CommitPending"/>) or truncates in
/// steps (<see cref="TruncateInMemory"/>, then <see cref="WriteTruncation"/>), other threads may read the entries
/// below <see cref="Count"/> — the steps that change Count and the reads are serialised by the owner's lock; the
/// writes and syncs in between touch only what lies beyond Count or was already cut off.
/// </summary>
public sealed partial class IndexFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly uint[] _offsets;
    private readonly IndexFileIo _io;
    private int _count;
    private int _pending; // entries written by WritePending, not yet committed
    private bool _faulted;

    private IndexFile(string path, SafeFileHandle handle, long firstIndex, uint[] offsets, int count, long dataPosition, bool readOnly, IndexFileIo io)
    {
        FilePath = path;
        _handle = handle;
        _io = io;
        FirstAllowedIndex = firstIndex;
        _offsets = offsets;
        _count = count;
        DataPosition = dataPosition;
        IsReadOnly = readOnly;
    }

    public string FilePath { get; }

    /// <summary>The index of the first slot (the one in the file name).</summary>
    public long FirstAllowedIndex { get; }

    public int Capacity => _offsets.Length;

    public long LastAllowedIndex => FirstAllowedIndex + Capacity - 1;

    /// <summary>How many entries are stored.</summary>
    public int Count => _count;

    /// <summary>The index the next appended entry gets.</summary>
    public long NextIndex => FirstAllowedIndex + _count;

    /// <summary>Every slot holds an entry (a file may also be full by data, with slots to spare: see <see cref="IndexFileFormat.MaxDataSize"/>).</summary>
    public bool IsFull => _count == Capacity;

    public bool IsEmpty => _count == 0;

    public bool IsReadOnly { get; }

    /// <summary>The byte position in the file where entry data starts (just after the ITMZ marker).</summary>
    public long DataPosition { get; }

    /// <summary>Bytes of committed entry data.</summary>
    public long DataSize => _count == 0 ? 0 : _offsets[_count - 1];

    public bool Includes(long index) => index >= FirstAllowedIndex && index < NextIndex;

    public bool Allows(long index) => index >= FirstAllowedIndex && index <= LastAllowedIndex;

    // ---- create / open ---------------------------------------------------------------------------------------

    /// <summary>
    /// Creates the file for the slots starting at <paramref name="firstIndex"/> under <paramref name="logDirectory"/>
    /// (capacity shortened by <see cref="IndexFileFormat.EffectiveCapacity"/>), creating its directories durably.
    /// The header is written to a temporary name, fdatasynced and renamed into place, then the directory is
    /// fsynced: a crash never leaves a half-written index file under the real name.
    /// </summary>
    public static IndexFile Create(string logDirectory, long firstIndex, int capacity = IndexFileFormat.DefaultCapacity, DateTimeOffset? created = null) =>
        Create(logDirectory, firstIndex, capacity, created, IndexFileIo.Default);

    internal static IndexFile Create(string logDirectory, long firstIndex, int capacity, DateTimeOffset? created, IndexFileIo io)
    {
        var effective = IndexFileFormat.EffectiveCapacity(firstIndex, capacity);
        if (firstIndex + effective - 1 > IndexFileFormat.MaxIndex)
            throw new ArgumentOutOfRangeException(nameof(firstIndex), firstIndex, "the file's slots would go past 2^53 - 1");
        var path = IndexFilePath.FullPath(logDirectory, firstIndex);
        var directory = Path.GetDirectoryName(path)!;
        DurableDirectory.Create(directory);
        if (File.Exists(path))
            throw new StorageException(path, null, "index file already exists");

        var meta = IndexFileMeta.Encode(created ?? DateTimeOffset.UtcNow, IndexFileMeta.LocalHostname());
        var tableEnd = IndexFileFormat.OffsetsTablePosition + 4L * effective;
        var metaEnd = tableEnd + TokenFile.HeaderSize + TokenFile.Pad4(meta.Length);
        var bytes = new byte[metaEnd + TokenFile.HeaderSize];
        IndexFileFormat.WriteHeader(bytes, effective, firstIndex);
        TokenFile.WriteHeader(bytes.AsSpan((int)tableEnd), IndexFileFormat.Meta, (uint)meta.Length);
        meta.CopyTo(bytes.AsSpan((int)tableEnd + TokenFile.HeaderSize));
        TokenFile.WriteHeader(bytes.AsSpan((int)metaEnd), IndexFileFormat.Itmz, 0);

        var temp = path + ".tmp";
        try
        {
            File.Delete(temp); // a leftover from a crash during an earlier creation
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
            {
                RandomAccess.Write(handle, bytes, 0);
                io.DataSync(handle, temp);
            }
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException e)
        {
            throw new StorageException(path, null, $"cannot create index file: {e.Message}", e);
        }
        FileSync.SyncDirectory(directory);
        return Open(path, readOnly: false, io);
    }

    /// <summary>Opens and validates an existing index file; a <see cref="StorageException"/> naming the file and offset when it is not sound.</summary>
    public static IndexFile Open(string path, bool readOnly = false) => Open(path, readOnly, IndexFileIo.Default);

    internal static IndexFile Open(string path, bool readOnly, IndexFileIo io)
    {
        var firstIndex = IndexFilePath.ParsePath(path);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, readOnly ? FileAccess.Read : FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(path, null, $"cannot open index file: {e.Message}", e);
        }
        try
        {
            return Load(path, handle, firstIndex, readOnly, io);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static IndexFile Load(string path, SafeFileHandle handle, long firstIndex, bool readOnly, IndexFileIo io)
    {
        var length = RandomAccess.GetLength(handle);
        Span<byte> header = stackalloc byte[IndexFileFormat.OffsetsTablePosition];
        if (length < header.Length || RandomAccess.Read(handle, header, 0) != header.Length)
            throw new StorageException(path, 0, $"file of {length} bytes is too short for an RLOG header");
        var token = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (token != IndexFileFormat.Rlog)
            throw new StorageException(path, 0, $"not an index file: token '{TokenFile.TokenText(token)}' instead of 'RLOG'");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != IndexFileFormat.Version)
            throw new StorageException(path, 8, $"unsupported index file version {version}");
        var capacity = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (capacity is < IndexFileFormat.MinCapacity or > IndexFileFormat.MaxCapacity)
            throw new StorageException(path, 12, $"capacity {capacity} is not between {IndexFileFormat.MinCapacity} and {IndexFileFormat.MaxCapacity}");
        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (headerSize != IndexFileFormat.HeaderDataSize(capacity))
            throw new StorageException(path, 4, $"RLOG segment size {headerSize} does not match capacity {capacity} (expected {IndexFileFormat.HeaderDataSize(capacity)})");
        var stored = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (stored != firstIndex)
            throw new StorageException(path, 16, $"first index {stored} does not match the file name ({firstIndex})");
        if (firstIndex + capacity - 1 > IndexFileFormat.MaxIndex)
            throw new StorageException(path, 12, $"capacity {capacity} takes the slots past 2^53 - 1");

        var tableEnd = IndexFileFormat.OffsetsTablePosition + 4L * capacity;
        if (length < tableEnd)
            throw new StorageException(path, length, $"offsets table cut short by the end of the file (needs {tableEnd} bytes)");
        var offsets = new uint[capacity];
        var table = MemoryMarshal.AsBytes(offsets.AsSpan());
        if (RandomAccess.Read(handle, table, IndexFileFormat.OffsetsTablePosition) != table.Length)
            throw new StorageException(path, IndexFileFormat.OffsetsTablePosition, "offsets table could not be read in full");
        if (!BitConverter.IsLittleEndian)
            BinaryPrimitives.ReverseEndianness(offsets, offsets);

        var marker = TokenFile.Find(handle, path, IndexFileFormat.Itmz, tableEnd)
            ?? throw new StorageException(path, tableEnd, "no ITMZ marker after the RLOG segment");
        var dataPosition = marker.DataOffset;

        // Count the committed entries: offsets grow strictly until the first zero. Offsets after that zero are a
        // torn tail (an interrupted rollback or batch) and are cleared before the next append commits.
        var count = 0;
        uint last = 0;
        for (; count < offsets.Length; count++)
        {
            var offset = offsets[count];
            if (offset == 0)
                break;
            if (offset <= last)
                throw new StorageException(path, IndexFileFormat.OffsetPosition(count), $"offset {offset} of index {firstIndex + count} does not go past the previous one ({last})");
            if (dataPosition + offset > length)
                throw new StorageException(path, IndexFileFormat.OffsetPosition(count), $"index {firstIndex + count} ends at byte {dataPosition + offset}, beyond the end of the file ({length} bytes)");
            last = offset;
        }
        return new IndexFile(path, handle, firstIndex, offsets, count, dataPosition, readOnly, io);
    }

    public void Dispose() => _handle.Dispose();

    public override string ToString() => $"{Path.GetFileName(FilePath)} [{FirstAllowedIndex}..{LastAllowedIndex}] {Count} entries";
}
