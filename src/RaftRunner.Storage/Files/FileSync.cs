using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RaftRunner.Storage.Files;

/// <summary>
/// Durability primitives. Data files are flushed with fdatasync where the platform has it (metadata other
/// than the size need not be flushed, which saves a journal write per batch); a newly created file's
/// directory entry is made durable by fsyncing the directory, as ACID.md requires.
/// </summary>
public static partial class FileSync
{
    /// <summary>Flushes the file's data (and its size) to the device; throws <see cref="StorageException"/> on failure (EIO, ENOSPC…).</summary>
    public static void DataSync(SafeFileHandle handle, string path)
    {
        if (OperatingSystem.IsLinux())
        {
            if (fdatasync((int)handle.DangerousGetHandle()) != 0)
                throw new StorageException(path, null, $"fdatasync failed: {Errno()}");
            return;
        }
        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (IOException e)
        {
            throw new StorageException(path, null, $"flush to disk failed: {e.Message}", e);
        }
    }

    /// <summary>Makes a created, renamed or deleted directory entry durable (no-op where directories cannot be opened, e.g. Windows).</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
            return;
        const int O_RDONLY = 0;
        var fd = open(directory, O_RDONLY);
        if (fd < 0)
            throw new StorageException(directory, null, $"cannot open directory to fsync it: {Errno()}");
        try
        {
            if (fsync(fd) != 0)
                throw new StorageException(directory, null, $"directory fsync failed: {Errno()}");
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>
    /// Starts writing the file's dirty pages in [<paramref name="offset"/>, <paramref name="offset"/> +
    /// <paramref name="count"/>) to the device without waiting for them (Linux <c>sync_file_range</c> with
    /// <c>SYNC_FILE_RANGE_WRITE</c>), so that a later <see cref="DataSync"/> has little left to write. This is not
    /// durability: it neither waits nor flushes metadata or the device's cache. Returns false, doing nothing, where
    /// the platform has no such call (the caller uses <see cref="DataSync"/> instead); an I/O error is a
    /// <see cref="StorageException"/>.
    /// </summary>
    public static bool StartWriteback(SafeFileHandle handle, string path, long offset, long count) =>
        SyncFileRange(handle, path, offset, count, SyncFileRangeWrite);

    /// <summary>
    /// Writes the dirty pages in [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="count"/>)
    /// and waits until they have reached the device (<c>sync_file_range</c> with <c>WAIT_BEFORE | WRITE |
    /// WAIT_AFTER</c>); no metadata, no cache flush, so still not durability. Returns false where the platform has no
    /// such call. An error (EIO) is a <see cref="StorageException"/> and is <em>consumed</em>: the kernel reports a
    /// writeback error once per open file, so a later fdatasync of the same file may succeed — treat the file as lost.
    /// </summary>
    public static bool WaitForWriteback(SafeFileHandle handle, string path, long offset, long count) =>
        SyncFileRange(handle, path, offset, count, SyncFileRangeWaitBefore | SyncFileRangeWrite | SyncFileRangeWaitAfter);

    private const uint SyncFileRangeWaitBefore = 1;
    private const uint SyncFileRangeWrite = 2;
    private const uint SyncFileRangeWaitAfter = 4;

    private static bool SyncFileRange(SafeFileHandle handle, string path, long offset, long count, uint flags)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
            return false;
        if (count == 0)
            return true; // sync_file_range's 0 means "to the end of the file"
        if (sync_file_range((int)handle.DangerousGetHandle(), offset, count, flags) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        // ENOSYS (no such system call: seccomp, gVisor…), EINVAL, ESPIPE, EOPNOTSUPP: the caller falls back to fdatasync.
        if (errno is 38 or 22 or 29 or 95)
            return false;
        throw new StorageException(path, offset, $"sync_file_range of {count} bytes failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    private static string Errno()
    {
        var errno = Marshal.GetLastPInvokeError();
        return $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sync_file_range(int fd, long offset, long nbytes, uint flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
