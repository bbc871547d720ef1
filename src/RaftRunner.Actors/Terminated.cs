namespace RaftRunner.Actors;

/// <summary>Delivered to every watcher when a watched actor has stopped; the last message about that actor.</summary>
public sealed record Terminated(IActorRef Actor)
{
    /// <summary>Set when the kernel's death watch produced it (as opposed to a user telling one), so Unwatch can cancel it.</summary>
    internal bool FromDeathWatch { get; init; }

    public bool Equals(Terminated? other) => other is not null && Actor.Equals(other.Actor);

    public override int GetHashCode() => Actor.GetHashCode();
}
