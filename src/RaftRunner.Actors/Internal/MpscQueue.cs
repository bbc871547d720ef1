namespace RaftRunner.Actors.Internal;

/// <summary>
/// The user-message queue of a mailbox: many producers, one consumer, unbounded, lock-free (Vyukov's
/// linked-list queue). Chosen over System.Threading.Channels, which DESIGN.md suggested, because an
/// unbounded channel costs about 1.4 KB per instance before holding anything (a 32-slot segment plus
/// its async-reader machinery), which alone exceeds the 1 KiB budget for an idle actor; this queue
/// costs one 40-byte node when idle, and the mailbox never needs async waiting, only TryDequeue.
/// After <see cref="Close"/>, producers that raced the close drain the queue themselves, so every
/// message is either consumed or becomes a dead letter of its actor exactly once.
/// </summary>
internal sealed class MpscQueue
{
    private Node _head;          // consumer: the stub; its Next is the oldest message
    private Node _tail;          // producers: swapped in with Interlocked.Exchange
    private volatile bool _closed;

    public MpscQueue() => _head = _tail = new Node(default);

    public bool IsClosed => _closed;

    /// <summary>Adds a message; false when the queue was already closed (the caller makes it a dead letter).</summary>
    public bool Enqueue(in Envelope envelope, ActorCell owner)
    {
        if (_closed)
            return false;
        var node = new Node(envelope);
        var previous = Interlocked.Exchange(ref _tail, node); // full fence: orders the read of _closed below
        Volatile.Write(ref previous.Next, node);
        if (_closed)
        {
            // The consumer may already have drained and gone: make sure nothing we (or others) linked is lost.
            DrainAfterClose(owner);
        }
        return true;
    }

    /// <summary>Consumer only.</summary>
    public bool TryDequeue(out Envelope envelope)
    {
        var next = Volatile.Read(ref _head.Next);
        if (next is null)
        {
            envelope = default;
            return false;
        }
        envelope = next.Value;
        next.Value = default; // the node becomes the stub: do not keep the message alive
        _head = next;
        return true;
    }

    /// <summary>Consumer only: is a message visible now?</summary>
    public bool HasItems => Volatile.Read(ref _head.Next) is not null;

    /// <summary>Consumer only: closes the queue; everything queued becomes a dead letter of <paramref name="owner"/>.</summary>
    public void Close(ActorCell owner)
    {
        _closed = true;
        Interlocked.MemoryBarrier();
        DrainAfterClose(owner);
    }

    /// <summary>
    /// Once closed, draining is no longer the single consumer's job: whoever drains holds the lock, and waits
    /// out a producer that has swapped the tail but not linked its node yet (two instructions away).
    /// </summary>
    private void DrainAfterClose(ActorCell owner)
    {
        lock (this)
        {
            var spin = new SpinWait();
            while (true)
            {
                if (TryDequeue(out var envelope))
                {
                    owner.System.DeadLetter(envelope.Message, envelope.Sender, owner.Self);
                    continue;
                }
                if (ReferenceEquals(_head, Volatile.Read(ref _tail)))
                    return;
                spin.SpinOnce();
            }
        }
    }

    private sealed class Node(Envelope value)
    {
        public Envelope Value = value;
        public Node? Next;
    }
}
