using RaftRunner.Actors.Internal;

namespace RaftRunner.Actors;

/// <summary>
/// Publish/subscribe by message type inside one actor system (dead letters, unhandled messages, and
/// anything users publish). Subscribers receive every event assignable to the type they subscribed to.
/// An actor's subscriptions end when it stops: it unsubscribes as it terminates, and an event that finds a
/// subscriber stopped drops that subscription instead of becoming a dead letter (a dead letter about an
/// event would be published again, possibly to the same dead subscriber).
/// </summary>
public sealed class EventStream
{
    private (Type Channel, IActorRef Subscriber)[] _subscriptions = [];

    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        // Kept by the actor's own reference, so delivery can tell a stopped subscriber from a live one.
        var local = LocalActorRef.From(subscriber);
        var stored = (IActorRef?)local ?? subscriber;
        local?.Cell.MarkSubscribed();
        while (true)
        {
            var current = Volatile.Read(ref _subscriptions);
            if (Array.Exists(current, s => s.Channel == channel && s.Subscriber.Equals(stored)))
                return false;
            if (Interlocked.CompareExchange(ref _subscriptions, [.. current, (channel, stored)], current) == current)
                return true;
        }
    }

    /// <summary>Removes the subscriber from <paramref name="channel"/>, or from every channel when null.</summary>
    public bool Unsubscribe(IActorRef subscriber, Type? channel = null)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        while (true)
        {
            var current = Volatile.Read(ref _subscriptions);
            var kept = Array.FindAll(current, s => !(s.Subscriber.Equals(subscriber) && (channel is null || s.Channel == channel)));
            if (kept.Length == current.Length)
                return false;
            if (Interlocked.CompareExchange(ref _subscriptions, kept, current) == current)
                return true;
        }
    }

    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        foreach (var (channel, subscriber) in Volatile.Read(ref _subscriptions))
        {
            if (!channel.IsAssignableFrom(type))
                continue;
            if (subscriber is LocalActorRef local)
            {
                if (!local.Cell.TryEnqueue(@event, ActorRefs.NoSender))
                    Unsubscribe(local); // stopped: its subscriptions end with it
            }
            else
            {
                subscriber.Tell(@event, ActorRefs.NoSender);
            }
        }
    }
}
