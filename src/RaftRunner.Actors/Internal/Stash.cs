namespace RaftRunner.Actors.Internal;

/// <summary>The kernel's <see cref="IStash"/>: a queue of envelopes owned by the actor's turn.</summary>
internal sealed class Stash(ActorCell cell) : IStash
{
    private readonly List<Envelope> _stashed = [];

    public int Count => _stashed.Count;

    void IStash.Stash()
    {
        var current = cell.CurrentEnvelope
            ?? throw new InvalidOperationException("Stash() can only be called while processing a message");
        foreach (var e in _stashed)
        {
            if (ReferenceEquals(e.Message, current.Message) && e.Sender.Equals(current.Sender))
                throw new InvalidOperationException($"message {current.Message.GetType().Name} is already stashed");
        }
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

    public void ClearStash() => _stashed.Clear();

    /// <summary>Takes every stashed message (for dead letters on stop).</summary>
    public Envelope[] Drain()
    {
        var all = _stashed.ToArray();
        _stashed.Clear();
        return all;
    }
}
