namespace RaftRunner.Node.Bridge;

/// <summary>
/// The requests sent to one peer that still wait for an answer: message id → request type. A peer's answer
/// carries only the id, so this is how the bridge knows whether to read it as a RequestVote, AppendEntries
/// or InstallSnapshot response. Bounded: beyond <c>capacity</c> the oldest entry is forgotten (its late
/// answer is then dropped, and Raft resends). Used by the I/O thread only.
/// </summary>
internal sealed class PendingRequestTypes(int capacity)
{
    // Insertion order is the age order eviction needs; removal by key is O(n), and n is a handful in practice
    // (Raft resends with the same id) and at most the capacity.
    private readonly OrderedDictionary<uint, byte> _types = new();

    public int Count => _types.Count;

    /// <summary>Records a request sent with <paramref name="messageId"/>; a resend with the same id replaces the old entry.</summary>
    public void Add(uint messageId, byte requestType)
    {
        if (_types.Remove(messageId) || _types.Count < capacity)
        {
            _types.Add(messageId, requestType);
            return;
        }
        _types.RemoveAt(0);
        _types.Add(messageId, requestType);
    }

    /// <summary>The type of the request answered by <paramref name="messageId"/>, forgetting it; false for an unknown id.</summary>
    public bool TryTake(uint messageId, out byte requestType) => _types.Remove(messageId, out requestType);

    public void Clear() => _types.Clear();
}
