namespace RaftRunner.Actors;

/// <summary>
/// One-for-one supervision: each failed child is handled on its own. A child that needs more than
/// <see cref="MaxRetries"/> restarts within <see cref="Within"/> is not restarted again: the failure is
/// escalated to the supervisor's own parent, and the child, still suspended, shares the supervisor's fate:
/// resumed with it, restarted after it (children that outlive a restart are restarted too), or stopped with it.
/// </summary>
public sealed class SupervisorStrategy
{
    public SupervisorStrategy(int maxRetries, TimeSpan within, Func<Exception, Directive>? decider = null)
    {
        if (maxRetries < -1)
            throw new ArgumentOutOfRangeException(nameof(maxRetries), maxRetries, "use -1 for unlimited retries");
        if (within <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(within), within, "the retry window must be positive");
        MaxRetries = maxRetries;
        Within = within;
        Decider = decider ?? DefaultDecider;
    }

    /// <summary>Restarts allowed inside the window; -1 means unlimited.</summary>
    public int MaxRetries { get; }

    public TimeSpan Within { get; }

    public Func<Exception, Directive> Decider { get; }

    /// <summary>10 restarts a minute, like Akka's default.</summary>
    public static SupervisorStrategy Default { get; } = new(10, TimeSpan.FromMinutes(1));

    /// <summary>
    /// A child that cannot even be constructed, was killed, or did not handle the Terminated of an actor it
    /// watched (a death pact) is stopped (restarting would fail the same way, or the pact says to die too);
    /// any other exception restarts it.
    /// </summary>
    public static Directive DefaultDecider(Exception exception) => exception switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    public static SupervisorStrategy StoppingStrategy { get; } = new(0, TimeSpan.FromMinutes(1), _ => Directive.Stop);
}
