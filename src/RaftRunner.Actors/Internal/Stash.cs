namespace RaftRunner.Actors.Internal;

/// <summary>The kernel's <see cref="IStash"/>: a queue of envelopes owned by the actor's turn.</summary>
internal sealed class Stash(ActorCell cell) : IStash
{
    private readonly List<Envelope> _stashed = [];
    private bool _currentStashed; // the delivery being processed is in the stash (reset for every delivery)

    public int Count => _stashed.Count;

    void IStash.Stash()
    {
        var current = cell.CurrentEnvelope
            ?? throw new InvalidOperationException("Stash() can only be called while processing a message");
        // The same delivery twice is the error, not the same object: a singleton message (a Tick.Instance)
        // told twice is two deliveries and may be stashed twice. O(1), unlike searching the stash.
        if (_currentStashed)
            throw new InvalidOperationException($"message {current.Message.GetType().Name} is already stashed");
        _currentStashed = true;
        _stashed.Add(current);
    }

    public void Unstash()
    {
        if (_stashed.Count == 0)
            return;
        var first = _stashed[0];
        _stashed.RemoveAt(0);
        cell.Mailbox.Prepend([first]);
    }

    public void UnstashAll()
    {
        if (_stashed.Count == 0)
            return;
        var all = _stashed.ToArray();
        _stashed.Clear();
        cell.Mailbox.Prepend(all);
    }

    public void ClearStash()
    {
        _stashed.Clear();
        _currentStashed = false; // the current delivery is no longer stashed and may be stashed again
    }

    /// <summary>Called by the cell as each message is delivered (owner only).</summary>
    public void BeginDelivery() => _currentStashed = false;

    /// <summary>Takes every stashed message (for dead letters on stop).</summary>
    public Envelope[] Drain()
    {
        var all = _stashed.ToArray();
        _stashed.Clear();
        return all;
    }
}
