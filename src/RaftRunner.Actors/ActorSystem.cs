using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RaftRunner.Actors.Internal;
using RaftRunner.Actors.Scheduling;
using RaftRunner.Hocon;

namespace RaftRunner.Actors;

/// <summary>
/// A tree of actors under one name. Top-level actors are children of the <c>/user</c> guardian, which
/// restarts them on failure and stops one that escalates. <see cref="Terminate"/> stops the whole tree,
/// children before parents.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _guardian;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _uid;
    private long _deadLetters;
    private long _askCounter;

    private ActorSystem(string name, Config config, ActorSystemOptions options)
    {
        Name = name;
        Config = config;
        Settings = ActorSystemSettings.From(config);
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        Log = LoggerFactory.CreateLogger("RaftRunner.Actors");
        Scheduler = options.Scheduler ?? new SystemScheduler(Log); // a scheduled action that throws is logged here
        DeadLetters = new DeadLetterActorRef(this);
        var root = ActorPath.Root(name);
        _guardian = new ActorCell(this, null, Props.Create(() => new GuardianActor()), root.Child("user", NextUid()));
        _guardian.Start();
    }

    public string Name { get; }

    public Config Config { get; }

    public ActorSystemSettings Settings { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IScheduler Scheduler { get; }

    public EventStream EventStream { get; } = new();

    public IActorRef DeadLetters { get; }

    /// <summary>How many messages could not be delivered since the system started.</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetters);

    /// <summary>Completes when every actor has stopped.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal ILogger Log { get; }

    /// <summary>Creates a running system; <paramref name="config"/> falls back to <see cref="HoconConfig.Reference"/> for every setting it lacks.</summary>
    public static ActorSystem Create(string name, Config? config = null, ActorSystemOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"actor system name '{name}' must be non-empty ASCII letters, digits, '-' or '_'", nameof(name));
        return new ActorSystem(name, (config ?? HoconConfig.Empty).WithFallback(HoconConfig.Reference), options ?? new ActorSystemOptions());
    }

    /// <summary>Creates a top-level actor (thread-safe).</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _guardian.ActorOf(props, name);

    /// <summary>Looks up actors by path: <c>/user/a/b</c>, <c>raft://system/user/a</c>, or <c>a/b</c> under /user.</summary>
    public ActorSelection ActorSelection(string path) => new(this, null, path);

    /// <summary>Stops an actor asynchronously; <see cref="Terminated"/> reaches its watchers when done.</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        LocalActorRef.From(actor)?.Cell.RequestStop();
    }

    /// <summary>Stops every actor; the task completes when all have stopped.</summary>
    public Task Terminate()
    {
        _guardian.RequestStop();
        return WhenTerminated;
    }

    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    public override string ToString() => $"ActorSystem[{Name}]";

    internal ActorCell Guardian => _guardian;

    internal long NextUid() => Interlocked.Increment(ref _uid);

    internal PromiseActorRef CreatePromise() =>
        new(ActorPath.Root(Name).Child("temp").Child("$" + Interlocked.Increment(ref _askCounter)));

    internal void OnGuardianTerminated() => _terminated.TrySetResult();

    /// <summary>A message that could not be delivered: fail a waiting Ask at once, publish, and log the first few.</summary>
    internal void DeadLetter(object message, IActorRef sender, IActorRef recipient)
    {
        if (sender is PromiseActorRef promise)
            promise.Fail(new RecipientTerminatedException($"{recipient.Path} is not running, so the Ask with {message.GetType().Name} cannot be answered"));
        var count = Interlocked.Increment(ref _deadLetters);
        // A DeadLetter that could not be delivered went to a stopped subscriber of DeadLetter: publishing a
        // DeadLetter about it could reach that subscriber again, and again, until the stack overflows.
        if (message is not Actors.DeadLetter)
            EventStream.Publish(new DeadLetter(message, sender, recipient));
        var max = Settings.LogDeadLetters;
        if (count <= max)
        {
            Log.LogInformation("Dead letter: {MessageType} from {Sender} to {Recipient} was not delivered{Suffix}",
                message.GetType().Name, sender.Path, recipient.Path,
                count == max ? $" (further dead letters are not logged: {ActorSystemSettings.Section}.log-dead-letters = {max})" : "");
        }
    }

    internal void LogKernelFault(IActorRef actor, Exception e) =>
        Log.LogCritical(e, "Actor kernel fault in {Path}: {Error}", actor.Path, e.Message);

    /// <summary>The /user guardian: top-level actors' parent. It handles nothing itself.</summary>
    private sealed class GuardianActor : ActorBase
    {
        protected internal override bool Receive(object message) => false;
    }
}
