using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using RaftRunner.Storage.Files;

namespace RaftRunner.Storage.Persistence;

/// <summary>
/// zmq-raft's file naming for replaced and temporary files (lib/utils/filerotate.js, lib/utils/tempfiles.js),
/// shared by the state files and the snapshot file.
/// <list type="bullet">
/// <item>A replaced file is kept under its name plus a UTC timestamp suffix
/// <c>-YYYY-MM-DD-HHMMSS-mmm</c> followed by a base-36 counter that restarts at 0 for every new millisecond,
/// e.g. <c>snap-2018-09-26-145936-8170</c> (14:59:36.817, first file of that millisecond).</item>
/// <item>The backup is a hard link made before the new file is renamed over the old one, so the live name
/// always exists (a crash between the two steps leaves the old file in place).</item>
/// <item>At most <see cref="DefaultRetainHistoryFiles"/> (60) backups of one file are kept; older ones are deleted.</item>
/// <item>A temporary file is <c>&lt;name&gt;.tmp-&lt;pid&gt;-&lt;base-36 counter&gt;</c>; leftovers are removed at start-up.</item>
/// </list>
/// </summary>
public static partial class FileRotation
{
    /// <summary>How many timestamped backups of one file zmq-raft keeps (RETAIN_FILES_MAX).</summary>
    public const int DefaultRetainHistoryFiles = 60;

    private static readonly Lock Gate = new();
    private static string? _lastStamp;
    private static int _rotateCounter;
    private static uint _tempCounter;

    /// <summary>The backup name for <paramref name="path"/> at the current time.</summary>
    public static string CreateRotateName(string path) => CreateRotateName(path, DateTimeOffset.UtcNow);

    /// <summary>The backup name for <paramref name="path"/> at <paramref name="now"/> (converted to UTC).</summary>
    public static string CreateRotateName(string path, DateTimeOffset now)
    {
        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd-HHmmss-fff", CultureInfo.InvariantCulture);
        int counter;
        lock (Gate)
        {
            _rotateCounter = stamp == _lastStamp ? _rotateCounter + 1 : 0;
            _lastStamp = stamp;
            counter = _rotateCounter;
        }
        return $"{path}-{stamp}{ToBase36((uint)counter)}";
    }

    /// <summary>A fresh temporary name next to <paramref name="path"/>: <c>path.tmp-PID-N</c>.</summary>
    public static string CreateTempName(string path)
    {
        uint counter;
        lock (Gate)
            counter = ++_tempCounter;
        return $"{path}.tmp-{Environment.ProcessId}-{ToBase36(counter)}";
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}-\d{6}-\d{3}[0-9a-z]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HistorySuffix();

    [GeneratedRegex(@"^\d+-[0-9a-z]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TempSuffix();

    /// <summary>True when <paramref name="fileName"/> (a bare name) is a timestamped backup of <paramref name="baseName"/>.</summary>
    public static bool IsHistoryName(string fileName, string baseName) =>
        fileName.StartsWith(baseName + "-", StringComparison.Ordinal) && HistorySuffix().IsMatch(fileName.AsSpan(baseName.Length + 1));

    /// <summary>The timestamped backups of <paramref name="path"/>, oldest first (full paths).</summary>
    public static IReadOnlyList<string> ListHistoryFiles(string path)
    {
        var directory = DirectoryOf(path);
        var baseName = Path.GetFileName(path);
        if (!Directory.Exists(directory))
            return [];
        var stampLength = baseName.Length + "-0000-00-00-000000-000".Length;
        var names = Directory.EnumerateFiles(directory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => IsHistoryName(n, baseName))
            .ToList();
        names.Sort((a, b) =>
        {
            var byStamp = string.CompareOrdinal(a[..stampLength], b[..stampLength]);
            return byStamp != 0 ? byStamp : FromBase36(a[stampLength..]).CompareTo(FromBase36(b[stampLength..]));
        });
        return names.Select(n => Path.Combine(directory, n)).ToList();
    }

    /// <summary>
    /// Deletes the oldest backups of <paramref name="path"/> so that at most <paramref name="retain"/> remain.
    /// Best effort, like zmq-raft's history rotation: a file that cannot be deleted is left alone. Returns how many were deleted.
    /// </summary>
    public static int RemoveHistoryFiles(string path, int retain = DefaultRetainHistoryFiles)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retain);
        var deleted = 0;
        try
        {
            var files = ListHistoryFiles(path);
            foreach (var file in files.Take(Math.Max(0, files.Count - retain)))
            {
                try
                {
                    File.Delete(file);
                    deleted++;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return deleted;
    }

    /// <summary>
    /// Deletes leftover temporary files of <paramref name="path"/> (<c>name.tmp-PID-N</c>) — call only at start-up,
    /// before this process creates any. Best effort; returns how many were deleted.
    /// </summary>
    public static int CleanupTempFiles(string path)
    {
        var directory = DirectoryOf(path);
        var prefix = Path.GetFileName(path) + ".tmp-";
        var deleted = 0;
        try
        {
            if (!Directory.Exists(directory))
                return 0;
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                var name = Path.GetFileName(file);
                if (!name.StartsWith(prefix, StringComparison.Ordinal) || !TempSuffix().IsMatch(name[prefix.Length..]))
                    continue;
                try
                {
                    File.Delete(file);
                    deleted++;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return deleted;
    }

    /// <summary>
    /// Atomically puts <paramref name="sourcePath"/> (a complete, fdatasync'ed file) in place of
    /// <paramref name="targetPath"/>: the current target (if any) is first hard-linked to a timestamped backup
    /// name, then the source is renamed over the target and the directory is fsynced. Returns the backup path,
    /// or null when there was no target. Failures are <see cref="StorageException"/>s.
    /// </summary>
    public static string? ReplaceWithBackup(string sourcePath, string targetPath)
    {
        string? backup = null;
        if (File.Exists(targetPath))
            backup = LinkToNewBackup(targetPath);
        try
        {
            File.Move(sourcePath, targetPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(targetPath, null, $"cannot rename '{sourcePath}' over it: {e.Message}", e);
        }
        FileSync.SyncDirectory(DirectoryOf(targetPath));
        if (DirectoryOf(sourcePath) != DirectoryOf(targetPath))
            FileSync.SyncDirectory(DirectoryOf(sourcePath));
        return backup;
    }

    private static string LinkToNewBackup(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            var backup = CreateRotateName(path);
            if (TryHardLink(path, backup, out var error))
                return backup;
            if (error != ErrorExists || attempt >= 100)
                throw new StorageException(path, null, $"cannot keep the replaced file as '{Path.GetFileName(backup)}': {Describe(error)}");
        }
    }

    private const int ErrorExists = 17; // EEXIST on Linux and the BSDs

    private static bool TryHardLink(string existing, string newPath, out int error)
    {
        error = 0;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            if (link(existing, newPath) == 0)
                return true;
            error = Marshal.GetLastPInvokeError();
            return false;
        }
        if (File.Exists(newPath))
        {
            error = ErrorExists;
            return false;
        }
        try
        {
            File.Copy(existing, newPath);
            return true;
        }
        catch (IOException e)
        {
            error = e.HResult;
            return false;
        }
    }

    private static string Describe(int errno) =>
        OperatingSystem.IsWindows() ? $"error {errno}" : $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    internal static string DirectoryOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";

    internal static string ToBase36(uint value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        if (value == 0)
            return "0";
        Span<char> buffer = stackalloc char[8];
        var i = buffer.Length;
        while (value != 0)
        {
            buffer[--i] = digits[(int)(value % 36)];
            value /= 36;
        }
        return new string(buffer[i..]);
    }

    private static long FromBase36(string text)
    {
        long value = 0;
        foreach (var c in text)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : -1;
            if (digit < 0 || value > long.MaxValue / 36)
                return long.MaxValue;
            value = value * 36 + digit;
        }
        return value;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);
}
