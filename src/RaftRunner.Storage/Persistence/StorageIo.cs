using Microsoft.Win32.SafeHandles;
using RaftRunner.Storage.Files;

namespace RaftRunner.Storage.Persistence;

/// <summary>
/// The writes and syncs of <see cref="FilePersistence"/> and <see cref="Snapshots.SnapshotWriter"/>, as one
/// seam so tests can inject EIO/ENOSPC-like failures (a partial write, a failing fdatasync). Every failure
/// surfaces as a <see cref="StorageException"/> naming the file and offset.
/// </summary>
internal class StorageIo
{
    public static readonly StorageIo Default = new();

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>.</summary>
    public virtual void Write(SafeFileHandle handle, string path, ReadOnlySpan<byte> data, long offset)
    {
        try
        {
            RandomAccess.Write(handle, data, offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(path, offset, $"cannot write {data.Length} bytes: {e.Message}", e);
        }
    }

    public virtual async ValueTask WriteAsync(SafeFileHandle handle, string path, ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(handle, data, offset, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(path, offset, $"cannot write {data.Length} bytes: {e.Message}", e);
        }
    }

    /// <summary>fdatasync.</summary>
    public virtual void DataSync(SafeFileHandle handle, string path) => FileSync.DataSync(handle, path);
}
