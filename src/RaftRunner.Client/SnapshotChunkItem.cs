namespace RaftRunner.Client;

/// <summary>
/// A piece of the snapshot that holds the log up to <see cref="RaftLogItem.Index"/> (taken in <see cref="Term"/>):
/// <see cref="Data"/> sits at <see cref="Offset"/> of a snapshot of <see cref="TotalSize"/> bytes.
/// </summary>
public sealed record SnapshotChunkItem(long Index, long Term, long Offset, long TotalSize, ReadOnlyMemory<byte> Data) : RaftLogItem(Index)
{
    /// <summary>Whether this chunk ends the snapshot; the entries after <see cref="RaftLogItem.Index"/> follow.</summary>
    public bool IsLastChunk => Offset + Data.Length == TotalSize;

    public override string ToString() => $"snapshot #{Index} (term {Term}) bytes {Offset}..{Offset + Data.Length} of {TotalSize}";
}
