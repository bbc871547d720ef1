using RaftRunner.Storage.Files;

namespace RaftRunner.Storage.Log;

/// <summary>
/// Directory operations whose effect must survive a crash: every directory created, and every file deleted or
/// renamed, is followed by an fsync of the directory holding the changed entry (ACID.md "Durable").
/// </summary>
internal static class DurableDirectory
{
    /// <summary>mkdir -p, fsyncing the parent of each directory it creates (top-down, so each new entry is durable before the next one hangs off it).</summary>
    public static void Create(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (Directory.Exists(full))
            return;
        var parent = Path.GetDirectoryName(full);
        if (parent is not null)
            Create(parent);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (IOException e)
        {
            throw new StorageException(full, null, $"cannot create directory: {e.Message}", e);
        }
        if (parent is not null)
            FileSync.SyncDirectory(parent);
    }

    /// <summary>Deletes a file and makes the deletion durable.</summary>
    public static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            throw new StorageException(path, null, $"cannot delete: {e.Message}", e);
        }
        FileSync.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Removes the now-empty directories above a deleted index file, up to (not including) the log directory.
    /// Best effort: zmq-raft's scan skips empty directories, so one left behind does no harm.
    /// </summary>
    public static void RemoveEmptyParents(string filePath, string logDirectory)
    {
        var stop = Path.GetFullPath(logDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var dir = Path.GetDirectoryName(Path.GetFullPath(filePath));
        while (dir is not null && dir.Length > stop.Length && dir.StartsWith(stop, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(dir).Any())
                    return;
                Directory.Delete(dir);
            }
            catch (IOException)
            {
                return;
            }
            var parent = Path.GetDirectoryName(dir);
            if (parent is not null)
                FileSync.SyncDirectory(parent);
            dir = parent;
        }
    }

    /// <summary>Renames a directory and fsyncs the parent(s).</summary>
    public static void Rename(string from, string to)
    {
        try
        {
            Directory.Move(from, to);
        }
        catch (IOException e)
        {
            throw new StorageException(from, null, $"cannot rename to {to}: {e.Message}", e);
        }
        var fromParent = Path.GetDirectoryName(Path.GetFullPath(from))!;
        var toParent = Path.GetDirectoryName(Path.GetFullPath(to))!;
        FileSync.SyncDirectory(toParent);
        if (fromParent != toParent)
            FileSync.SyncDirectory(fromParent);
    }
}
