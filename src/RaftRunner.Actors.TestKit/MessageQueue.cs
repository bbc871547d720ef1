namespace RaftRunner.Actors.TestKit;

/// <summary>What a probe has received and not yet taken: filled by the probe's actor, drained by the test thread.</summary>
internal sealed class MessageQueue
{
    private readonly Queue<ReceivedMessage> _queue = new();
    private readonly object _gate = new();

    public void Add(ReceivedMessage message)
    {
        lock (_gate)
        {
            _queue.Enqueue(message);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The next message without removing it, waiting up to <paramref name="timeout"/>.</summary>
    public ReceivedMessage? Peek(TimeSpan timeout) => Wait(timeout, take: false);

    public ReceivedMessage? Take(TimeSpan timeout) => Wait(timeout, take: true);

    public IReadOnlyList<ReceivedMessage> Snapshot()
    {
        lock (_gate) return _queue.ToArray();
    }

    private ReceivedMessage? Wait(TimeSpan timeout, bool take)
    {
        var deadline = DateTime.UtcNow + (timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
        lock (_gate)
        {
            while (_queue.Count == 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                {
                    if (_queue.Count == 0)
                        return null;
                }
            }
            return take ? _queue.Dequeue() : _queue.Peek();
        }
    }
}
