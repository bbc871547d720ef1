using RaftRunner.Hocon;

namespace RaftRunner.Actors;

/// <summary>The kernel's settings, read from <c>raft-runner.actors</c> (documented in hocon/reference.conf).</summary>
public sealed record ActorSystemSettings
{
    public const string Section = "raft-runner.actors";

    /// <summary>User messages an actor processes per turn before yielding its thread.</summary>
    public int MailboxThroughput { get; init; } = 30;

    /// <summary>Timeout of an Ask that names none.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many dead letters are logged before logging them stops (they are still published).</summary>
    public int LogDeadLetters { get; init; } = 10;

    public SupervisorStrategy DefaultSupervisorStrategy { get; init; } = SupervisorStrategy.Default;

    public static ActorSystemSettings From(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new ActorSystemSettings();
        var section = config.GetConfig(Section);
        var throughput = section.GetInt("mailbox-throughput", defaults.MailboxThroughput);
        if (throughput < 1)
            throw new ConfigurationException($"{Section}.mailbox-throughput must be at least 1 (was {throughput})");
        var askTimeout = section.GetTimeSpan("ask-timeout", defaults.AskTimeout);
        if (askTimeout <= TimeSpan.Zero)
            throw new ConfigurationException($"{Section}.ask-timeout must be positive (was {askTimeout})");
        var maxRetries = section.GetInt("supervision.max-retries", SupervisorStrategy.Default.MaxRetries);
        var within = section.GetTimeSpan("supervision.within", SupervisorStrategy.Default.Within);
        if (maxRetries < -1 || within <= TimeSpan.Zero)
            throw new ConfigurationException($"{Section}.supervision needs max-retries >= -1 and a positive 'within' (was {maxRetries}, {within})");
        return new ActorSystemSettings
        {
            MailboxThroughput = throughput,
            AskTimeout = askTimeout,
            LogDeadLetters = Math.Max(0, section.GetInt("log-dead-letters", defaults.LogDeadLetters)),
            DefaultSupervisorStrategy = new SupervisorStrategy(maxRetries, within),
        };
    }
}
