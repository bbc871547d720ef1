namespace RaftRunner.Storage.Log;

/// <summary>
/// Rebuilds a <see cref="RequestIdCache"/> when a log is opened (RAFT.md "Log compaction"): the entries are read
/// backwards from the last index, through every index file still present — including entries before the snapshot,
/// which is what keeps idempotency across a compaction — and the scan stops when more expired ids have been seen
/// than one file holds (older files are assumed expired too) or when request-id-cache-max ids were collected.
/// Only headers are read, in large runs, so a million entries take well under a second.
/// </summary>
internal static class RequestIdCacheLoader
{
    private const int Block = 4096;

    public static void Rebuild(RequestIdCache cache, IndexFileSet files, long lastIndex)
    {
        cache.Clear();
        var threshold = cache.ExpiryThresholdSeconds();
        var max = cache.MaxCount ?? int.MaxValue;
        var foundIndexes = new List<long>();
        var foundIds = new List<Protocol.RequestId>();
        var expired = 0L;
        var headers = new EntryHeader[Block];

        for (var position = files.PositionOf(lastIndex); position >= 0; position--)
        {
            var file = files.Get(position);
            var capacity = file.Capacity;
            var to = Math.Min(lastIndex, file.NextIndex - 1);
            while (to >= file.FirstAllowedIndex)
            {
                var from = Math.Max(file.FirstAllowedIndex, to - Block + 1);
                var span = headers.AsSpan(0, (int)(to - from + 1));
                file.ReadHeaders(from, span);
                for (var i = span.Length - 1; i >= 0; i--)
                {
                    ref readonly var header = ref span[i];
                    if (!RequestIdCache.IsTracked(header.RequestId, header.Type))
                        continue;
                    if (RequestIdCache.HasExpired(header.RequestId, threshold))
                    {
                        // zmq-raft: more expired ids than one file holds → everything older is expired as well.
                        if (++expired > capacity)
                            goto done;
                        continue;
                    }
                    foundIndexes.Add(from + i);
                    foundIds.Add(header.RequestId);
                    if (foundIds.Count >= max)
                        goto done;
                }
                to = from - 1;
            }
        }
    done:
        // Oldest first, so the cache's order is log order; an id seen twice keeps its latest index.
        for (var i = foundIds.Count - 1; i >= 0; i--)
            cache.AddOrdered(foundIds[i], foundIndexes[i]);
    }
}
