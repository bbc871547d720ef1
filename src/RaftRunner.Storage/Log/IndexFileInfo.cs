namespace RaftRunner.Storage.Log;

/// <summary>What inspection reports about one index file (zr-tool's "inspect FILE" fields).</summary>
public sealed record IndexFileInfo(
    string Path,
    string RelativePath,
    long FirstAllowedIndex,
    long LastAllowedIndex,
    int Capacity,
    int EntryCount,
    long NextIndex,
    long DataSize,
    long FileSize,
    IndexFileMeta? Meta)
{
    public static IndexFileInfo Of(IndexFile file, string logDirectory) => new(
        file.FilePath,
        System.IO.Path.GetRelativePath(logDirectory, file.FilePath),
        file.FirstAllowedIndex,
        file.LastAllowedIndex,
        file.Capacity,
        file.Count,
        file.NextIndex,
        file.DataSize,
        file.FileSize,
        file.ReadMeta());
}
