using RaftRunner.Protocol;

namespace RaftRunner.Client.Tests.Testing;

/// <summary>Reading a whole log through the client and the checks every entries test ends with.</summary>
internal static class LogChecks
{
    public static async Task<List<RaftLogItem>> ReadAllAsync(RaftClient client, long afterIndex = 0, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(20));
        var items = new List<RaftLogItem>();
        await foreach (var item in client.ReadEntriesAsync(afterIndex, timeout.Token))
            items.Add(item);
        return items;
    }

    /// <summary>Entries (after any snapshot) have every index from the first on, each once, in order.</summary>
    public static void AssertContiguous(IEnumerable<LogEntryItem> entries, long first)
    {
        var expected = first;
        foreach (var entry in entries)
        {
            Assert.Equal(expected, entry.Index);
            expected++;
        }
    }

    /// <summary>Each update's request id appears exactly once in the log, at the index the client was given.</summary>
    public static void AssertEachOnceAt(IEnumerable<LogEntryItem> entries, IReadOnlyDictionary<RequestId, long> updates)
    {
        var byId = entries.Where(e => e.Entry.Type == LogEntryType.State).GroupBy(e => e.Entry.RequestId).ToDictionary(g => g.Key, g => g.ToArray());
        foreach (var (id, index) in updates)
        {
            Assert.True(byId.TryGetValue(id, out var found), $"update {id} is not in the log");
            Assert.Equal(index, Assert.Single(found).Index);
        }
    }
}
