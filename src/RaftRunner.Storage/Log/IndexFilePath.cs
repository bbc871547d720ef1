using System.Globalization;

namespace RaftRunner.Storage.Log;

/// <summary>
/// Where an index file lives (ACID.md "Log"): its name is the first index it may hold as 14 lowercase hex digits
/// (the width of 2^53 − 1), and it sits under the directories named by the first 5, the next 2 and the next 2 of
/// those digits: index 1 → <c>00000/00/00/00000000000001.rlog</c>, 137438953218 →
/// <c>00001/ff/ff/00001fffffff02.rlog</c>, relative to the log directory (<c>log/</c> of the Raft data directory).
/// </summary>
public static class IndexFilePath
{
    public const string Extension = ".rlog";

    public const int BaseNameLength = 14;

    /// <summary>1 → "00000000000001".</summary>
    public static string BaseName(long index)
    {
        ValidateIndex(index);
        return index.ToString("x14", CultureInfo.InvariantCulture);
    }

    /// <summary>The path below the log directory, with the platform's separator.</summary>
    public static string RelativePath(long index)
    {
        var name = BaseName(index);
        return Path.Combine(name[..5], name[5..7], name[7..9], name + Extension);
    }

    public static string FullPath(string logDirectory, long index) => Path.Combine(logDirectory, RelativePath(index));

    /// <summary>The directory an index file starting at <paramref name="index"/> goes in.</summary>
    public static string DirectoryOf(string logDirectory, long index) => Path.GetDirectoryName(FullPath(logDirectory, index))!;

    /// <summary>Parses "00000000000001.rlog" (exactly 14 lowercase hex digits, as zmq-raft's scan accepts).</summary>
    public static bool TryParseFileName(string fileName, out long index)
    {
        index = 0;
        if (fileName.Length != BaseNameLength + Extension.Length || !fileName.EndsWith(Extension, StringComparison.Ordinal))
            return false;
        var hex = fileName.AsSpan(0, BaseNameLength);
        if (!IsLowerHex(hex))
            return false;
        index = long.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return index <= IndexFileFormat.MaxIndex;
    }

    /// <summary>
    /// The first index named by a full path, checking that the three directories above the file match its name
    /// (zmq-raft refuses to open a misplaced file too); a <see cref="StorageException"/> otherwise.
    /// </summary>
    public static long ParsePath(string path)
    {
        var full = Path.GetFullPath(path);
        if (!TryParseFileName(Path.GetFileName(full), out var index))
            throw new StorageException(path, null, $"not an index file name (expected 14 lowercase hex digits and '{Extension}')");
        var dir3 = Path.GetDirectoryName(full);
        var dir2 = dir3 is null ? null : Path.GetDirectoryName(dir3);
        var dir1 = dir2 is null ? null : Path.GetDirectoryName(dir2);
        var name = BaseName(index);
        if (dir1 is null || Path.GetFileName(dir1) != name[..5] || Path.GetFileName(dir2) != name[5..7] || Path.GetFileName(dir3) != name[7..9])
            throw new StorageException(path, null, $"index file is not in its directory {name[..5]}/{name[5..7]}/{name[7..9]}");
        return index;
    }

    /// <summary>The log directory an index file's path is under (three levels up).</summary>
    public static string LogDirectoryOf(string path)
    {
        ParsePath(path);
        return Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(path))!)!)!)!;
    }

    /// <summary>
    /// The first indexes of all index files under <paramref name="logDirectory"/>, ascending. Only names of the
    /// right shape count at each level, like zmq-raft's scan; empty intermediate directories are fine (left behind
    /// after files were deleted). A file whose name does not match its directories is a <see cref="StorageException"/>.
    /// </summary>
    public static List<long> Discover(string logDirectory)
    {
        var result = new List<long>();
        if (!Directory.Exists(logDirectory))
            return result;
        foreach (var d1 in SortedDirectories(logDirectory, 5))
            foreach (var d2 in SortedDirectories(d1, 2))
                foreach (var d3 in SortedDirectories(d2, 2))
                {
                    var names = new List<string>();
                    foreach (var file in Directory.EnumerateFiles(d3))
                    {
                        var name = Path.GetFileName(file);
                        if (TryParseFileName(name, out _))
                            names.Add(name);
                    }
                    names.Sort(StringComparer.Ordinal);
                    foreach (var name in names)
                        result.Add(ParsePath(Path.Combine(d3, name)));
                }
        return result;
    }

    private static IEnumerable<string> SortedDirectories(string parent, int width)
    {
        var dirs = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(parent))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == width && IsLowerHex(name))
                dirs.Add(dir);
        }
        dirs.Sort(StringComparer.Ordinal);
        return dirs;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
                return false;
        return true;
    }

    private static void ValidateIndex(long index)
    {
        if (index is < 0 or > IndexFileFormat.MaxIndex)
            throw new ArgumentOutOfRangeException(nameof(index), index, "a log index is between 0 and 2^53 - 1");
    }
}
