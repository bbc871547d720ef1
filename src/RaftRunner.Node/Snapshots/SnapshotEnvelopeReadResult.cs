namespace RaftRunner.Node.Snapshots;

/// <summary>What <see cref="SnapshotEnvelopeReader"/> found: the envelope (null for a foreign snapshot) and a stream over the state machine's bytes.</summary>
/// <param name="Envelope">The envelope, or null when the data has none (a zmq-raft snapshot, the empty snapshot).</param>
/// <param name="State">
/// Read-only, positioned at the first state byte; seekable (with a length) when the data stream is. It reads from the
/// data stream, so it is valid while that is open; disposing it leaves the data stream open.
/// </param>
/// <param name="StateOffset">Where the state bytes start in the snapshot data (0 for a foreign snapshot).</param>
public readonly record struct SnapshotEnvelopeReadResult(SnapshotEnvelope? Envelope, Stream State, long StateOffset)
{
    /// <summary>True when the data has no envelope: all of it is the state machine's, and no configuration or request ids are known.</summary>
    public bool IsForeign => Envelope is null;
}
