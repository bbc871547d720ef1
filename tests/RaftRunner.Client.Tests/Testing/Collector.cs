namespace RaftRunner.Client.Tests.Testing;

/// <summary>Reads a subscription on a task of its own into a list, until cancelled; waits are bounded.</summary>
internal sealed class Collector : IAsyncDisposable
{
    private readonly List<RaftLogItem> _items = [];
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
    private readonly Task _reader;

    public Collector(Func<CancellationToken, IAsyncEnumerable<RaftLogItem>> subscribe)
    {
        _reader = Task.Run(async () =>
        {
            await foreach (var item in subscribe(_stop.Token))
            {
                lock (_items)
                    _items.Add(item);
            }
        });
    }

    public IReadOnlyList<RaftLogItem> Items
    {
        get
        {
            lock (_items)
                return [.. _items];
        }
    }

    /// <summary>Waits until an item at <paramref name="index"/> or later has arrived; returns everything so far.</summary>
    public async Task<IReadOnlyList<RaftLogItem>> UntilAsync(long index, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (_reader.IsFaulted)
                await _reader; // rethrows what ended the subscription
            var items = Items;
            if (items.Count > 0 && items[^1].Index >= index)
                return items;
            await Task.Delay(20);
        }
        var got = Items;
        throw new TimeoutException($"the subscription reached {(got.Count == 0 ? "nothing" : got[^1].Index)}, not {index}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // the end we asked for
        }
        _stop.Dispose();
    }
}
