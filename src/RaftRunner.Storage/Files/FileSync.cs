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

    private static string Errno()
    {
        var errno = Marshal.GetLastPInvokeError();
        return $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
