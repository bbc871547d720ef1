using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Persistence;
using RaftRunner.Storage.TokenFiles;

namespace RaftRunner.Storage.Snapshots;

/// <summary>
/// An installed (complete) snapshot file, opened read-only: its index, term and data, read in chunks for
/// InstallSnapshot and RequestEntries replies. Layout: see <see cref="SnapshotFormat"/> (ACID.md "Snapshot File").
/// <para>
/// Opening validates the first token (SNAP), the SNAP segment length (28, i.e. a 36-byte SNAP segment), the
/// version (1), that a DATA marker follows, and that the file length is exactly the data offset plus the data
/// size field. Anything else is a <see cref="StorageException"/> naming the file and offset; a snapshot is
/// never served with a size that lies. Reads are positional and may run concurrently.
/// </para>
/// </summary>
public sealed class SnapshotFile : IDisposable
{
    /// <summary>The snapshot's file name in a zmq-raft data directory.</summary>
    public const string DefaultFileName = "snap";

    /// <summary>The only version zmq-raft writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The size of the SNAP segment, token header included.</summary>
    public const int HeaderSize = SnapshotFormat.HeaderSize;

    private readonly SafeFileHandle _handle;
    private int _disposed;

    private SnapshotFile(SafeFileHandle handle, string path, ulong index, ulong term, long dataSize, long dataOffset, MessagePackValue? metadata)
    {
        _handle = handle;
        Path = path;
        Index = index;
        Term = term;
        DataSize = dataSize;
        DataOffset = dataOffset;
        Metadata = metadata;
    }

    public string Path { get; }

    /// <summary>The LOG INDEX of the last entry the snapshot covers (0 for the empty snapshot of a new log).</summary>
    public ulong Index { get; }

    /// <summary>The TERM of that entry.</summary>
    public ulong Term { get; }

    /// <summary>The number of bytes of snapshot data.</summary>
    public long DataSize { get; }

    /// <summary>Where the data begins in the file (just after the DATA marker).</summary>
    public long DataOffset { get; }

    /// <summary>The decoded META segment, or null when it is missing or is not MessagePack (zr-tool reports it as an error but the snapshot is still usable).</summary>
    public MessagePackValue? Metadata { get; }

    /// <summary>META's <c>created</c> (an ISO date string), when present.</summary>
    public string? Created => Metadata is { } m && m.TryGetProperty("created", out var v) && v.TryGetString(out var s) ? s : null;

    /// <summary>META's <c>hostname</c>, when present.</summary>
    public string? Hostname => Metadata is { } m && m.TryGetProperty("hostname", out var v) && v.TryGetString(out var s) ? s : null;

    /// <summary>
    /// Opens an existing snapshot file. A missing file is a <see cref="FileNotFoundException"/> (see
    /// <see cref="OpenOrCreateEmpty"/>); a malformed one or an I/O failure is a <see cref="StorageException"/>.
    /// </summary>
    public static SnapshotFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"no snapshot file at {path}", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(path, null, $"cannot open the snapshot file: {e.Message}", e);
        }
        try
        {
            return Read(handle, path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the empty snapshot (index 0, term 0, no data) that zmq-raft's FileLog writes when a log
    /// directory has no snapshot yet: created in place (exclusively: an existing file is an error), with the
    /// parent directory made if needed, fdatasync'ed, and its directory fsynced before returning.
    /// </summary>
    public static SnapshotFile CreateEmpty(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = FileRotation.DirectoryOf(path);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(directory, null, $"cannot create the directory: {e.Message}", e);
        }
        var header = SnapshotFormat.BuildHeader(0, 0, 0, DateTimeOffset.UtcNow, SnapshotFormat.HostName());
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(path, null, $"cannot create the empty snapshot file: {e.Message}", e);
        }
        using (handle)
        {
            StorageIo.Default.Write(handle, path, header, 0);
            StorageIo.Default.DataSync(handle, path);
        }
        Files.FileSync.SyncDirectory(directory);
        return Open(path);
    }

    /// <summary>Opens the snapshot at <paramref name="path"/>, or creates the empty one when there is none (FileLog's start-up).</summary>
    public static SnapshotFile OpenOrCreateEmpty(string path)
    {
        try
        {
            return Open(path);
        }
        catch (FileNotFoundException)
        {
            return CreateEmpty(path);
        }
    }

    /// <summary>
    /// Deletes temporary snapshot files (<c>snap.tmp-PID-N</c>) a previous process left behind, as FileLog does at
    /// start-up. Call it before creating any <see cref="SnapshotWriter"/> for this path.
    /// </summary>
    public static int CleanupTempFiles(string path) => FileRotation.CleanupTempFiles(path);

    /// <summary>
    /// Copies snapshot data starting at <paramref name="offset"/> (0 ≤ offset ≤ <see cref="DataSize"/>) into
    /// <paramref name="destination"/>; returns the byte count, which is less than the destination's length only
    /// at the end of the data (0 at offset == DataSize).
    /// </summary>
    public int ReadChunk(long offset, Span<byte> destination)
    {
        var count = CheckRead(offset, destination.Length);
        var done = 0;
        while (done < count)
        {
            var position = DataOffset + offset + done;
            int read;
            try
            {
                read = RandomAccess.Read(_handle, destination[done..count], position);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException(Path, position, $"cannot read snapshot data: {e.Message}", e);
            }
            if (read == 0)
                throw Truncated(position);
            done += read;
        }
        return count;
    }

    /// <summary>The asynchronous <see cref="ReadChunk"/>.</summary>
    public async ValueTask<int> ReadChunkAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var count = CheckRead(offset, destination.Length);
        var done = 0;
        while (done < count)
        {
            var position = DataOffset + offset + done;
            int read;
            try
            {
                read = await RandomAccess.ReadAsync(_handle, destination[done..count], position, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException(Path, position, $"cannot read snapshot data: {e.Message}", e);
            }
            if (read == 0)
                throw Truncated(position);
            done += read;
        }
        return count;
    }

    /// <summary>A read-only, seekable stream over the data (positions relative to the data start), for restoring a state machine.</summary>
    public Stream OpenDataStream(long position = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, DataSize);
        return new SnapshotDataStream(this, position);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _handle.Dispose();
    }

    public override string ToString() => $"snapshot {Path} (index {Index}, term {Term}, {DataSize} bytes)";

    private int CheckRead(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (offset < 0 || offset > DataSize)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"outside the snapshot data [0, {DataSize}]");
        return (int)Math.Min(length, DataSize - offset);
    }

    private StorageException Truncated(long position) =>
        new(Path, position, $"the file ends before the snapshot data does (expected {DataOffset + DataSize} bytes); was it truncated after it was opened?");

    private static SnapshotFile Read(SafeFileHandle handle, string path)
    {
        long length;
        Span<byte> header = stackalloc byte[SnapshotFormat.HeaderSize];
        int got;
        try
        {
            length = RandomAccess.GetLength(handle);
            got = ReadFully(handle, header, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(path, 0, $"cannot read the snapshot header: {e.Message}", e);
        }
        if (got < TokenFile.HeaderSize)
            throw new StorageException(path, 0, $"not a snapshot file: {length} bytes is too short for a SNAP segment");
        var token = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (token != SnapshotFormat.Snap)
            throw new StorageException(path, 0, $"not a snapshot file: the first token is '{TokenFile.TokenText(token)}', not 'SNAP'");
        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (headerLength != SnapshotFormat.HeaderDataLength)
            throw new StorageException(path, 4, $"the SNAP segment length is {headerLength}, not {SnapshotFormat.HeaderDataLength}");
        if (got < SnapshotFormat.HeaderSize)
            throw new StorageException(path, got, $"the SNAP segment is cut short by the end of the file ({length} bytes)");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[SnapshotFormat.VersionOffset..]);
        if (version != SnapshotFormat.Version)
            throw new StorageException(path, SnapshotFormat.VersionOffset, $"unsupported snapshot version {version} (expected {SnapshotFormat.Version})");
        var index = BinaryPrimitives.ReadUInt64LittleEndian(header[SnapshotFormat.IndexOffset..]);
        var term = BinaryPrimitives.ReadUInt64LittleEndian(header[SnapshotFormat.TermOffset..]);
        var dataSize = BinaryPrimitives.ReadUInt64LittleEndian(header[SnapshotFormat.DataSizeOffset..]);

        var data = TokenFile.Find(handle, path, SnapshotFormat.Data, SnapshotFormat.HeaderSize)
            ?? throw new StorageException(path, SnapshotFormat.HeaderSize, $"no DATA marker before the end of the file ({length} bytes)");
        var dataOffset = data.DataOffset;
        var actual = length - dataOffset;
        if (dataSize > long.MaxValue || (long)dataSize != actual)
            throw new StorageException(path, SnapshotFormat.DataSizeOffset,
                $"the data size field says {dataSize} bytes but the file holds {actual} bytes after the DATA marker at offset {dataOffset - TokenFile.HeaderSize} (file length {length})");

        return new SnapshotFile(handle, path, index, term, (long)dataSize, dataOffset, ReadMetadata(handle, path, dataOffset));
    }

    private static MessagePackValue? ReadMetadata(SafeFileHandle handle, string path, long dataOffset)
    {
        var meta = TokenFile.Find(handle, path, SnapshotFormat.Meta, SnapshotFormat.HeaderSize, dataOffset - TokenFile.HeaderSize);
        if (meta is not { } m || m.DataOffset + m.DataLength > dataOffset || m.DataLength > 1 << 20)
            return null;
        var bytes = new byte[m.DataLength];
        try
        {
            if (ReadFully(handle, bytes, m.DataOffset) != bytes.Length)
                return null;
        }
        catch (IOException)
        {
            return null;
        }
        return MessagePackCodec.TryDecode(bytes, out var value, out _, out _) ? value : null;
    }

    private static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long position)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[done..], position + done);
            if (read == 0)
                break;
            done += read;
        }
        return done;
    }
}
