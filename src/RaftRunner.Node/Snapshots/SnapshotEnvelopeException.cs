namespace RaftRunner.Node.Snapshots;

/// <summary>
/// A snapshot's data starts with RaftRunner's envelope magic but the envelope is malformed (truncated, an
/// unknown version, a header that is not the expected MessagePack map). Nothing has been given to a state
/// machine when this is thrown.
/// </summary>
public sealed class SnapshotEnvelopeException : Exception
{
    public SnapshotEnvelopeException()
    {
    }

    public SnapshotEnvelopeException(string message) : base(message)
    {
    }

    public SnapshotEnvelopeException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public SnapshotEnvelopeException(long offset, string reason) : base($"corrupt snapshot envelope at data offset {offset}: {reason}")
    {
        Offset = offset;
        Reason = reason;
    }

    /// <summary>Where in the snapshot's data the problem is (0 = the first data byte), when known.</summary>
    public long? Offset { get; }

    /// <summary>The problem, without the offset.</summary>
    public string? Reason { get; }
}
