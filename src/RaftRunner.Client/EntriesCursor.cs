using RaftRunner.Protocol.Messages;

namespace RaftRunner.Client;

/// <summary>What a RequestEntries answer means for the reader.</summary>
internal enum EntriesStep
{
    /// <summary>Consistent, more to come: acknowledge with <see cref="EntriesCursor.Request"/> under the same request id.</summary>
    Continue,

    /// <summary>Everything asked for has arrived; the server's stream is over.</summary>
    Finished,

    /// <summary>Everything asked for has arrived, but the server may still be streaming: send <see cref="EntriesCursor.Stop"/>.</summary>
    FinishedEarly,

    /// <summary>Out of order, or not what was asked: stop that stream and ask again from <see cref="EntriesCursor.PrevIndex"/>.</summary>
    Inconsistent,
}

/// <summary>
/// The reader's side of a RequestEntries stream (PROTO.md), with no I/O: where the reader is (the last entry or
/// complete snapshot it holds, the snapshot it is part-way through), the request that resumes from there, and the
/// check of each answer — contiguous entries, snapshot chunks in order and all of one snapshot.
/// </summary>
/// <remarks>
/// The request built from the cursor is at once the acknowledgement PROTO.md asks for (prevIndex = the last index
/// received, or for a snapshot chunk the same prevIndex and the next byte offset) and, under a new request id, the
/// resumption at another peer after a timeout or a leader change: the stream goes on where it stopped, mid-snapshot
/// included, instead of starting over (zmq-raft's client does the same; its stream wrapper fails on snapshot chunks).
/// </remarks>
internal sealed class EntriesCursor
{
    private SnapshotProgress? _snapshot;

    /// <param name="afterIndex">the index the reader holds; entries start after it.</param>
    /// <param name="lastIndex">where to stop (inclusive); null for the leader's last applied entry.</param>
    public EntriesCursor(long afterIndex, long? lastIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterIndex);
        if (lastIndex is { } last)
            ArgumentOutOfRangeException.ThrowIfLessThan(last, afterIndex, nameof(lastIndex));
        PrevIndex = afterIndex;
        LastIndex = lastIndex;
        Done = lastIndex == afterIndex;
    }

    /// <summary>The last entry delivered, or the index of the last complete snapshot.</summary>
    public long PrevIndex { get; private set; }

    public long? LastIndex { get; }

    public bool Done { get; private set; }

    /// <summary>The snapshot byte offset to resume from, when part of a snapshot was delivered.</summary>
    public long? SnapshotOffset => _snapshot is { NextOffset: > 0 } s ? s.NextOffset : null;

    /// <summary>The request (or acknowledgement) for everything still wanted.</summary>
    public RequestEntriesRequest Request(uint requestId)
    {
        ulong? count = LastIndex is { } last ? (ulong)Math.Max(1, last - PrevIndex) : null;
        return new RequestEntriesRequest(requestId, (ulong)PrevIndex, count, SnapshotOffset is { } offset ? (ulong)offset : null);
    }

    /// <summary>The follow-up that ends a stream early (count 0).</summary>
    public RequestEntriesRequest Stop(uint requestId) => new(requestId, (ulong)PrevIndex, 0);

    /// <summary>
    /// Takes a batch or snapshot chunk (not a not-leader answer); adds what it delivers to <paramref name="items"/>.
    /// <paramref name="problem"/> says what was wrong when the answer is <see cref="EntriesStep.Inconsistent"/>.
    /// </summary>
    public EntriesStep Accept(RequestEntriesResponse response, List<RaftLogItem> items, out string? problem)
    {
        problem = null;
        if (Done)
        {
            problem = "an answer after the stream finished";
            return EntriesStep.Inconsistent;
        }
        return response.Status switch
        {
            RequestEntriesStatus.SnapshotChunk => AcceptChunk(response, items, out problem),
            RequestEntriesStatus.Last or RequestEntriesStatus.More => AcceptBatch(response, items, out problem),
            _ => throw new ArgumentException($"status {response.Status} carries no entries", nameof(response)),
        };
    }

    private EntriesStep AcceptBatch(RequestEntriesResponse response, List<RaftLogItem> items, out string? problem)
    {
        problem = null;
        var last = (long)(response.LastIndex ?? 0);
        var entries = response.Entries;
        if (entries.Count == 0 && response.Status == RequestEntriesStatus.Last)
        {
            // Nothing (more) to send: the leader has applied nothing after PrevIndex (lastIndex may even be below it).
            Done = true;
            return EntriesStep.Finished;
        }
        if (entries.Count == 0 || last - entries.Count != PrevIndex)
        {
            problem = $"entries {last - entries.Count + 1}..{last} do not follow {PrevIndex}";
            return EntriesStep.Inconsistent;
        }
        // Entries after PrevIndex void a snapshot that was part-way through.
        _snapshot = null;
        for (var i = 0; i < entries.Count; i++)
            items.Add(new LogEntryItem(PrevIndex + 1 + i, entries[i]));
        PrevIndex = last;
        if (response.Status == RequestEntriesStatus.Last)
        {
            Done = true;
            return EntriesStep.Finished;
        }
        if (LastIndex is { } wanted && PrevIndex >= wanted)
        {
            Done = true;
            return EntriesStep.FinishedEarly;
        }
        return EntriesStep.Continue;
    }

    private EntriesStep AcceptChunk(RequestEntriesResponse response, List<RaftLogItem> items, out string? problem)
    {
        problem = null;
        var index = (long)(response.LastIndex ?? 0);
        var info = response.Snapshot!.Value;
        var offset = (long)info.Offset;
        var size = (long)info.TotalSize;
        var term = (long)info.Term;
        var chunk = response.Chunk;
        if (index <= PrevIndex)
        {
            problem = $"a snapshot at {index}, not after {PrevIndex}";
            return EntriesStep.Inconsistent;
        }
        if (_snapshot is not { } current || current.Index != index || current.Term != term || current.TotalSize != size)
        {
            if (offset != 0)
            {
                // The chunk belongs to another snapshot than the one part-delivered (a new leader's): start it over.
                problem = $"snapshot {index} (term {term}, {size} bytes) starts at byte {offset}";
                _snapshot = null;
                return EntriesStep.Inconsistent;
            }
            current = new SnapshotProgress(index, term, size, 0);
        }
        if (offset != current.NextOffset || offset + chunk.Length > size)
        {
            problem = $"snapshot bytes {offset}..{offset + chunk.Length} of {size} where {current.NextOffset} was next";
            return EntriesStep.Inconsistent;
        }
        items.Add(new SnapshotChunkItem(index, term, offset, size, chunk));
        var next = offset + chunk.Length;
        if (next < size)
        {
            _snapshot = current with { NextOffset = next };
            return EntriesStep.Continue;
        }
        // The snapshot is complete: the entries after it follow (a new stream, opened by the acknowledgement).
        _snapshot = null;
        PrevIndex = index;
        if (LastIndex is { } wanted && PrevIndex >= wanted)
        {
            Done = true;
            return EntriesStep.FinishedEarly;
        }
        return EntriesStep.Continue;
    }

    private readonly record struct SnapshotProgress(long Index, long Term, long TotalSize, long NextOffset);
}
