using Microsoft.Extensions.Logging;
using RaftRunner.Actors.Scheduling;

namespace RaftRunner.Actors;

/// <summary>What an actor system takes besides configuration: where logs go and which clock it runs on.</summary>
public sealed record ActorSystemOptions
{
    /// <summary>Defaults to a factory that discards everything.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Defaults to <see cref="SystemScheduler"/> (real time); tests pass a <see cref="VirtualTimeScheduler"/>.</summary>
    public IScheduler? Scheduler { get; init; }
}
