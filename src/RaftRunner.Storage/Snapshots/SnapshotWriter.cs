using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using RaftRunner.Storage.Files;
using RaftRunner.Storage.Persistence;

namespace RaftRunner.Storage.Snapshots;

/// <summary>
/// Writes a new snapshot into a temporary file next to its target (<c>snap.tmp-PID-N</c>, zmq-raft's
/// createTmpSnapshot name) and installs it atomically with <see cref="Install"/>: fdatasync, hard-link the
/// current target to a timestamped backup (<c>snap-2018-09-26-145936-8170</c>), rename the temporary file over
/// the target, fsync the directory. Until then the target is untouched; disposing an uninstalled writer
/// deletes the temporary file.
/// <para>
/// Data arrives either sequentially (<see cref="Write"/>, <see cref="CopyFrom"/>; the size may be unknown up
/// front and is then patched into the SNAP header at install, as zmq-raft does for a stream) or as
/// InstallSnapshot / RequestEntries chunks at byte offsets (<see cref="TryWriteChunk"/>): a chunk is accepted
/// only at the offset where the data written so far ends (zmq-raft replies to any other offset by asking for
/// that one) and never past the declared size. Not thread-safe: one writer, one caller.
/// </para>
/// <para>
/// Incremental writeback: every <see cref="WritebackInterval"/> bytes (4 MiB by default) the writer asks the kernel
/// to start writing what it wrote since the last time (Linux <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>, which does
/// not wait), then waits until the interval before that has reached the device, so at most two intervals are in
/// flight and the writer goes no faster than the device takes the data. Without it, a 1 GiB snapshot sat in the page
/// cache until <see cref="Install"/>, whose one fdatasync then wrote it all (~0.4 s) while every other fdatasync on the
/// file system — the log's — waited behind it; now that fdatasync has a few MiB left. This is not durability (no
/// metadata, no device cache flush): <see cref="Install"/>'s fdatasync, rename and directory fsync are what make the
/// snapshot durable, exactly as before. Where the platform has no <c>sync_file_range</c>, the writer fdatasyncs at
/// each interval instead, on the writing thread. A writeback that fails fails the writer (see <see cref="TryWriteChunk"/>).
/// </para>
/// </summary>
public sealed class SnapshotWriter : IDisposable
{
    /// <summary>
    /// The default <see cref="WritebackInterval"/>: 4 MiB. At most two intervals are in flight, so a concurrent
    /// fdatasync (the log's) queues behind up to ~2 intervals of device time. Measured writing 1 GiB as fast as
    /// possible on an ext4 virtio disk that takes ~1.3 GB/s: a 100-byte O_SYNC append took up to ~300 ms during the
    /// old single fdatasync; with writeback every 64/32/16/8/4 MiB it took up to ~70/35/19/10–18/7–8 ms, the slowest
    /// write call (the wait for the interval before) ~48/25/14/7–11/5–6 ms, and the final fdatasync ~45/26/16/8/9 ms;
    /// throughput stayed ~1.2–1.4 GB/s down to 4 MiB and fell to ~0.95 GB/s at 1–2 MiB. In snapshot-pause (a node
    /// snapshotting 1 GiB under load, 2 cores) the longest gap between applies was 24–42 ms with 4 MiB (5 runs) and
    /// 30–73 ms with 8 MiB (8 runs).
    /// </summary>
    public const long DefaultWritebackInterval = 4L << 20;

    private readonly StorageIo _io;
    private readonly WritebackIo _writeback;
    private SafeFileHandle? _handle;
    private bool _installed;
    private bool _disposed;
    private long _writebackFrom;
    private (long Offset, long Count)? _writebackInFlight;

    private SnapshotWriter(StorageIo io, WritebackIo writeback, long writebackInterval, SafeFileHandle handle, string targetPath, string tempPath, ulong index, ulong term, long? dataSize, long dataOffset)
    {
        _io = io;
        _writeback = writeback;
        WritebackInterval = writebackInterval;
        _handle = handle;
        TargetPath = targetPath;
        TempPath = tempPath;
        Index = index;
        Term = term;
        DataSize = dataSize;
        DataOffset = dataOffset;
    }

    /// <summary>The snapshot path this writer will replace.</summary>
    public string TargetPath { get; }

    /// <summary>The temporary file being written.</summary>
    public string TempPath { get; }

    public ulong Index { get; }

    public ulong Term { get; }

    /// <summary>The declared data size, or null when it is determined by what is written.</summary>
    public long? DataSize { get; }

    /// <summary>Where the data begins in the file.</summary>
    public long DataOffset { get; }

    /// <summary>Bytes of data written so far; the next chunk must start here.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>True when all declared bytes are written (always, when no size was declared).</summary>
    public bool IsComplete => DataSize is not { } size || BytesWritten == size;

    /// <summary>
    /// Every this many bytes written (header included), the writer starts writing them to the device; 0: never, all of
    /// it is then written by <see cref="Install"/>'s fdatasync. See the class summary.
    /// </summary>
    public long WritebackInterval { get; }

    /// <summary>After <see cref="Install"/>: the backup name of the snapshot it replaced, or null if there was none.</summary>
    public string? BackupPath { get; private set; }

    /// <summary>
    /// Creates the temporary file (and the target's directory if missing) and writes the SNAP, META and DATA
    /// headers. <paramref name="dataSize"/> null means "the size of whatever gets written".
    /// </summary>
    public static SnapshotWriter Create(string targetPath, ulong index, ulong term, long? dataSize = null) =>
        Create(targetPath, index, term, dataSize, StorageIo.Default);

    internal static SnapshotWriter Create(string targetPath, ulong index, ulong term, long? dataSize, StorageIo io) =>
        Create(targetPath, index, term, dataSize, io, WritebackIo.Default, DefaultWritebackInterval);

    /// <param name="writebackInterval">see <see cref="WritebackInterval"/></param>
    internal static SnapshotWriter Create(string targetPath, ulong index, ulong term, long? dataSize, StorageIo io, WritebackIo writeback, long writebackInterval)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetPath);
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(writeback);
        ArgumentOutOfRangeException.ThrowIfNegative(writebackInterval);
        SnapshotFormat.CheckSafe(index, nameof(index));
        SnapshotFormat.CheckSafe(term, nameof(term));
        if (dataSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(size, nameof(dataSize));
            SnapshotFormat.CheckSafe((ulong)size, nameof(dataSize));
        }
        var directory = FileRotation.DirectoryOf(targetPath);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(directory, null, $"cannot create the directory: {e.Message}", e);
        }
        var tempPath = FileRotation.CreateTempName(targetPath);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(tempPath, null, $"cannot create the temporary snapshot file: {e.Message}", e);
        }
        try
        {
            var header = SnapshotFormat.BuildHeader(index, term, (ulong)(dataSize ?? 0), DateTimeOffset.UtcNow, SnapshotFormat.HostName());
            io.Write(handle, tempPath, header, 0);
            return new SnapshotWriter(io, writeback, writebackInterval, handle, targetPath, tempPath, index, term, dataSize, header.Length);
        }
        catch
        {
            handle.Dispose();
            TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>
    /// Writes a chunk that starts at data offset <paramref name="offset"/>. Returns false, writing nothing, when
    /// the offset is not <see cref="BytesWritten"/> (a lost or repeated chunk: ask the sender for BytesWritten).
    /// A chunk running past the declared size is an <see cref="ArgumentException"/>; a write failure is a
    /// <see cref="StorageException"/> and leaves <see cref="BytesWritten"/> unchanged. So is a failure of the
    /// incremental writeback that may follow the write (see the class summary), but that one fails the writer: it
    /// takes no more chunks and cannot be installed; dispose it and start again.
    /// </summary>
    public bool TryWriteChunk(long offset, ReadOnlySpan<byte> chunk)
    {
        var handle = CheckChunk(offset, chunk.Length);
        if (handle is null)
            return false;
        _io.Write(handle, TempPath, chunk, DataOffset + offset);
        BytesWritten += chunk.Length;
        PushWrittenData(handle);
        return true;
    }

    /// <summary>The asynchronous <see cref="TryWriteChunk"/>.</summary>
    public async ValueTask<bool> TryWriteChunkAsync(long offset, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default)
    {
        var handle = CheckChunk(offset, chunk.Length);
        if (handle is null)
            return false;
        await _io.WriteAsync(handle, TempPath, chunk, DataOffset + offset, cancellationToken).ConfigureAwait(false);
        BytesWritten += chunk.Length;
        PushWrittenData(handle);
        return true;
    }

    /// <summary>Like <see cref="TryWriteChunk"/>, but an offset other than <see cref="BytesWritten"/> is an <see cref="InvalidOperationException"/>.</summary>
    public void WriteChunk(long offset, ReadOnlySpan<byte> chunk)
    {
        if (!TryWriteChunk(offset, chunk))
            throw new InvalidOperationException($"snapshot chunk at offset {offset} is out of order: {BytesWritten} bytes have been written");
    }

    /// <summary>Appends data after what has been written.</summary>
    public void Write(ReadOnlySpan<byte> data) => WriteChunk(BytesWritten, data);

    /// <summary>Appends everything <paramref name="source"/> yields; returns the byte count copied.</summary>
    public long CopyFrom(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long total = 0;
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                Write(buffer.AsSpan(0, read));
                total += read;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The asynchronous <see cref="CopyFrom"/>.</summary>
    public async Task<long> CopyFromAsync(Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (!await TryWriteChunkAsync(BytesWritten, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false))
                    throw new InvalidOperationException("the snapshot writer was written to concurrently");
                total += read;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Finishes the snapshot and puts it in place of <see cref="TargetPath"/> (see the class summary); returns the
    /// installed snapshot, opened and validated. All declared bytes must have been written. Everything is durable
    /// when this returns; on failure (a <see cref="StorageException"/>) the target is either the old snapshot or
    /// the complete new one, never a partial file.
    /// </summary>
    public SnapshotFile Install()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_installed)
            throw new InvalidOperationException("the snapshot is already installed");
        var handle = _handle ?? throw new InvalidOperationException("the snapshot writer failed earlier; dispose it and start again");
        if (!IsComplete)
            throw new InvalidOperationException($"the snapshot is incomplete: {BytesWritten} of {DataSize} bytes written");
        _handle = null;
        using (handle)
        {
            if (DataSize is null)
            {
                Span<byte> size = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)BytesWritten);
                _io.Write(handle, TempPath, size, SnapshotFormat.DataSizeOffset);
            }
            try
            {
                // Drops anything a failed (and retried) write may have left beyond the data.
                if (RandomAccess.GetLength(handle) != DataOffset + BytesWritten)
                    RandomAccess.SetLength(handle, DataOffset + BytesWritten);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException(TempPath, DataOffset + BytesWritten, $"cannot set the snapshot file length: {e.Message}", e);
            }
            // Durability: everything, whatever the incremental writeback has or has not written yet.
            _io.DataSync(handle, TempPath);
        }
        BackupPath = FileRotation.ReplaceWithBackup(TempPath, TargetPath);
        _installed = true;
        FileRotation.RemoveHistoryFiles(TargetPath);
        return SnapshotFile.Open(TargetPath);
    }

    /// <summary>Closes the temporary file and, unless the snapshot was installed, deletes it.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _handle?.Dispose();
        _handle = null;
        if (!_installed)
            TryDelete(TempPath);
    }

    public override string ToString() => $"snapshot writer {TempPath} → {TargetPath} (index {Index}, term {Term}, {BytesWritten}/{DataSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} bytes)";

    private SafeFileHandle? CheckChunk(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_installed)
            throw new InvalidOperationException("the snapshot is already installed");
        var handle = _handle ?? throw new InvalidOperationException("the snapshot writer failed earlier; dispose it and start again");
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset != BytesWritten)
            return null;
        if (DataSize is { } size && offset + length > size)
            throw new ArgumentException($"a chunk of {length} bytes at offset {offset} runs past the snapshot size {size}", nameof(length));
        return handle;
    }

    /// <summary>
    /// Once <see cref="WritebackInterval"/> bytes have been written since the last time, starts writing them to the
    /// device and waits for the interval before (see the class summary). A failure fails the writer: the kernel reports
    /// a writeback error once per open file, so Install's fdatasync could no longer be trusted to see it.
    /// </summary>
    private void PushWrittenData(SafeFileHandle handle)
    {
        if (WritebackInterval == 0)
            return;
        var end = DataOffset + BytesWritten;
        if (end - _writebackFrom < WritebackInterval)
            return;
        try
        {
            var range = (Offset: _writebackFrom, Count: end - _writebackFrom);
            if (_writeback.Start(handle, TempPath, range.Offset, range.Count))
            {
                if (_writebackInFlight is { } previous)
                    _writeback.Wait(handle, TempPath, previous.Offset, previous.Count);
                _writebackInFlight = range;
            }
            else
            {
                // No sync_file_range on this platform: fdatasync what there is, on this (the writing) thread.
                _io.DataSync(handle, TempPath);
                _writebackInFlight = null;
            }
            _writebackFrom = end;
        }
        catch
        {
            _handle = null;
            handle.Dispose();
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
