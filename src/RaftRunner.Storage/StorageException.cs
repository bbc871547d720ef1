namespace RaftRunner.Storage;

/// <summary>
/// A data directory problem: a file that is not what it should be, or an I/O failure. The message is one
/// line that names the file and, where it matters, the byte offset, so an operator can look at the spot.
/// Storage never returns wrong data and never reports an unsynced write as durable; it throws this instead.
/// </summary>
public sealed class StorageException : Exception
{
    public StorageException(string message) : base(message) { }

    public StorageException(string message, Exception? inner) : base(message, inner) { }

    public StorageException(string filePath, long? offset, string reason, Exception? inner = null)
        : base(Format(filePath, offset, reason), inner)
    {
        FilePath = filePath;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The file concerned, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>The byte offset within <see cref="FilePath"/>, when it matters.</summary>
    public long? Offset { get; }

    public string? Reason { get; }

    private static string Format(string filePath, long? offset, string reason) =>
        offset is { } o ? $"{filePath} at offset {o}: {reason}" : $"{filePath}: {reason}";
}
