using RaftRunner.Protocol;

namespace RaftRunner.Storage.Log;

/// <summary>
/// RAFT.md "Update idempotency": the log index of every fresh STATE/CONFIG request id, so a repeated
/// RequestUpdate is answered with the index it already got instead of being appended twice. Ids are remembered
/// for request-id-ttl (by the time in the id itself) and at most request-id-cache-max of them. Entries are kept in
/// log order (oldest first), which is what expiry walks and what the PRUNE INDEX is derived from.
/// Not thread-safe: the owner serialises access.
/// </summary>
public sealed class RequestIdCache
{
    private readonly Dictionary<RequestId, long> _indexes = [];
    // Log order of additions. A slot whose id now maps to a later index (an id seen twice) is stale and skipped.
    private long[] _orderIndexes = new long[64];
    private RequestId[] _orderIds = new RequestId[64];
    private int _head;
    private int _length;

    public RequestIdCache(TimeSpan? ttl, int? maxCount, TimeProvider? timeProvider = null)
    {
        ValidateLimits(ttl, maxCount);
        Ttl = ttl;
        MaxCount = maxCount;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>request-id-ttl; null = ids never expire by time.</summary>
    public TimeSpan? Ttl { get; }

    /// <summary>request-id-cache-max; null = unlimited.</summary>
    public int? MaxCount { get; }

    public TimeProvider TimeProvider { get; }

    public int Count => _indexes.Count;

    /// <summary>The index of the oldest remembered id, null when none (zmq-raft's getFirstFreshIndex).</summary>
    public long? FirstFreshIndex
    {
        get
        {
            DropStaleHead();
            return _length == 0 ? null : _orderIndexes[_head];
        }
    }

    /// <summary>The index the log's newest remembered id got, null when none.</summary>
    public long? LastIndex => _length == 0 ? null : _orderIndexes[Slot(_length - 1)];

    public static void ValidateLimits(TimeSpan? ttl, int? maxCount)
    {
        if (ttl is null && maxCount is null)
            throw new ArgumentException("request-id-ttl and request-id-cache-max must not both be unlimited (null)");
        if (ttl is { } t && t < TimeSpan.FromMinutes(1))
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "request-id-ttl is at least 60 seconds (zmq-raft's MIN_REQUEST_ID_TTL)");
        if (maxCount is < 1)
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, "request-id-cache-max is at least 1");
    }

    /// <summary>Whether the entry kind is remembered: STATE/CONFIG with a non-zero id (CHECKPOINTs carry the zero id).</summary>
    public static bool IsTracked(RequestId id, LogEntryType type) => type != LogEntryType.Checkpoint && id != RequestId.Zero;

    public bool TryGet(RequestId requestId, out long index) => _indexes.TryGetValue(requestId, out index);

    /// <summary>True when the id is older than the TTL now (never with a null TTL).</summary>
    public bool HasExpired(RequestId requestId) => HasExpired(requestId, ExpiryThresholdSeconds());

    /// <summary>
    /// Remembers an appended entry's id at <paramref name="index"/>; ignored (false) for the zero id or an id that
    /// has already expired, as zmq-raft does. Indexes must grow: entries are added in log order.
    /// </summary>
    public bool Add(RequestId requestId, long index)
    {
        if (requestId == RequestId.Zero || HasExpired(requestId))
            return false;
        AddOrdered(requestId, index);
        return true;
    }

    internal void AddOrdered(RequestId requestId, long index)
    {
        if (LastIndex is { } last && index <= last)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"request ids are added in log order; the last one is at {last}");
        _indexes[requestId] = index;
        if (_length == _orderIndexes.Length)
            Grow();
        var slot = Slot(_length++);
        _orderIndexes[slot] = index;
        _orderIds[slot] = requestId;
    }

    /// <summary>Forgets the ids of entries at <paramref name="index"/> and after (the log was truncated).</summary>
    public void RemoveFrom(long index)
    {
        while (_length > 0)
        {
            var slot = Slot(_length - 1);
            if (_orderIndexes[slot] < index)
                break;
            if (_indexes.TryGetValue(_orderIds[slot], out var current) && current == _orderIndexes[slot])
                _indexes.Remove(_orderIds[slot]);
            _orderIds[slot] = default;
            _length--;
        }
    }

    /// <summary>
    /// Forgets, oldest first, ids that have expired or exceed the maximum, stopping at the first one that is
    /// neither (zmq-raft's periodic rdb cleanup). Returns how many were forgotten.
    /// </summary>
    public int RemoveExpired()
    {
        var threshold = ExpiryThresholdSeconds();
        var removed = 0;
        while (true)
        {
            DropStaleHead();
            if (_length == 0)
                break;
            var id = _orderIds[_head];
            if (!HasExpired(id, threshold) && (MaxCount is not { } max || _indexes.Count <= max))
                break;
            _indexes.Remove(id);
            PopHead();
            removed++;
        }
        return removed;
    }

    public void Clear()
    {
        _indexes.Clear();
        Array.Clear(_orderIds);
        _head = 0;
        _length = 0;
    }

    /// <summary>Ids whose seconds are below this have expired (zmq-raft: seconds*1000 &lt; now − ttl).</summary>
    internal long ExpiryThresholdSeconds()
    {
        if (Ttl is not { } ttl)
            return long.MinValue;
        var limitMs = TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() - (long)ttl.TotalMilliseconds;
        // seconds*1000 < limitMs  ⇔  seconds < ceil(limitMs / 1000)
        return (long)Math.Ceiling(limitMs / 1000.0);
    }

    internal static bool HasExpired(RequestId id, long thresholdSeconds) => id.Seconds < thresholdSeconds;

    private void DropStaleHead()
    {
        while (_length > 0 && !(_indexes.TryGetValue(_orderIds[_head], out var current) && current == _orderIndexes[_head]))
            PopHead();
    }

    private void PopHead()
    {
        _orderIds[_head] = default;
        _head = (_head + 1) % _orderIndexes.Length;
        _length--;
    }

    private int Slot(int offset) => (_head + offset) % _orderIndexes.Length;

    private void Grow()
    {
        var indexes = new long[_orderIndexes.Length * 2];
        var ids = new RequestId[indexes.Length];
        for (var i = 0; i < _length; i++)
        {
            indexes[i] = _orderIndexes[Slot(i)];
            ids[i] = _orderIds[Slot(i)];
        }
        _orderIndexes = indexes;
        _orderIds = ids;
        _head = 0;
    }
}
