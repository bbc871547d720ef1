using Microsoft.Win32.SafeHandles;

namespace RaftRunner.Storage.Files;

/// <summary>
/// The page-cache writeback calls of <see cref="FileSync"/> (<c>sync_file_range</c>) as a seam, so tests can see
/// when a writer pushes its data out, and make the platform look as if it had no such call or as if it failed.
/// </summary>
internal class WritebackIo
{
    public static readonly WritebackIo Default = new();

    /// <summary><see cref="FileSync.StartWriteback"/>: false when the platform cannot (the caller fdatasyncs instead).</summary>
    public virtual bool Start(SafeFileHandle handle, string path, long offset, long count) =>
        FileSync.StartWriteback(handle, path, offset, count);

    /// <summary><see cref="FileSync.WaitForWriteback"/>: false when the platform cannot.</summary>
    public virtual bool Wait(SafeFileHandle handle, string path, long offset, long count) =>
        FileSync.WaitForWriteback(handle, path, offset, count);
}
