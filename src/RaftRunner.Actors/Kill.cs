namespace RaftRunner.Actors;

/// <summary>Makes the actor fail with <see cref="ActorKilledException"/> when processed; its supervisor decides what follows (by default: stop).</summary>
public sealed class Kill
{
    public static readonly Kill Instance = new();

    private Kill() { }

    public override string ToString() => nameof(Kill);
}
