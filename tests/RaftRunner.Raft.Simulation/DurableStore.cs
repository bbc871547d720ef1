using RaftRunner.Raft.Log;
using RaftRunner.Raft.Membership;

namespace RaftRunner.Raft.Simulation;

/// <summary>
/// What a node has made durable: hard state, membership, log and snapshot. A crash keeps exactly this; the
/// temporary snapshot being received is process memory in zmq-raft (its temp files are cleaned at startup), so
/// <see cref="Crash"/> forgets it.
/// </summary>
public sealed class DurableStore(ClusterConfiguration initial)
{
    private SnapshotChunkWrite? _tempIdentity;
    private byte[] _temp = [];

    public HardState Hard { get; set; }

    public MembershipState Membership { get; set; } = MembershipState.Initial(initial);

    public InMemoryRaftLog Log { get; } = new();

    /// <summary>Snapshots received from a leader and installed (for the simulator's statistics).</summary>
    public int SnapshotsInstalled { get; private set; }

    /// <summary>
    /// Reads the request ids (and their indexes) a snapshot's data records, to re-seed the request-id cache when
    /// an installed snapshot discards the log — what RaftRunner's snapshot envelope does; null keeps zmq-raft's
    /// behaviour (the cache is lost with the log).
    /// </summary>
    public Func<byte[], IEnumerable<(Protocol.RequestId Id, long Index)>>? SnapshotRequestIds { get; init; }

    /// <summary>Reads the configuration a snapshot's data records (RaftRunner's envelope); null when it records none.</summary>
    public Func<byte[], ClusterConfiguration?>? SnapshotConfiguration { get; init; }

    /// <summary>The configuration recorded in the snapshot the last write installed, for the host to hand to the core.</summary>
    public ClusterConfiguration? InstalledConfiguration { get; private set; }

    /// <summary>Writes one chunk of an arriving snapshot; a chunk of another snapshot starts a new temporary one.</summary>
    public void WriteChunk(SnapshotChunkWrite chunk)
    {
        if (_tempIdentity is not { } id || id.Index != chunk.Index || id.Term != chunk.Term || id.TotalSize != chunk.TotalSize)
        {
            _tempIdentity = chunk;
            _temp = new byte[chunk.TotalSize];
        }
        if (chunk.Offset + chunk.Chunk.Length > _temp.Length)
            throw new InvalidOperationException($"chunk at {chunk.Offset} of {chunk.Chunk.Length} bytes overruns the {_temp.Length}-byte snapshot");
        chunk.Chunk.Span.CopyTo(_temp.AsSpan((int)chunk.Offset));
    }

    /// <summary>Carries out a Ready's log write: install a received snapshot first, then truncate and append.</summary>
    public void Write(LogWrite write)
    {
        if (write.InstallSnapshot is { } install)
        {
            if (_tempIdentity is not { } id || id.Index != install.Index || id.Term != install.Term)
                throw new InvalidOperationException($"no received snapshot {install.Index}/{install.Term} to install");
            Log.InstallSnapshot(install.Index, install.Term, _temp, install.KeepLogAfter);
            SnapshotsInstalled++;
            if (!install.KeepLogAfter && SnapshotRequestIds is { } read)
            {
                foreach (var (requestId, index) in read(_temp))
                    Log.RememberRequestId(requestId, index);
            }
            InstalledConfiguration = SnapshotConfiguration?.Invoke(_temp);
            _tempIdentity = null;
            _temp = [];
        }
        Log.Write(write.TruncateAfter, write.Entries);
    }

    public void Crash()
    {
        _tempIdentity = null;
        _temp = [];
    }
}
