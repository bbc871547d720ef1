using RaftRunner.Actors.Internal;

namespace RaftRunner.Actors.TestKit;

/// <summary>
/// A stand-in actor for tests: pass it (it is an <see cref="IActorRef"/>) wherever an actor is expected,
/// then assert on what it received. The kernel sees through it to the probe's actor, so it can be watched,
/// stopped and subscribed like any actor.
/// </summary>
public sealed class TestProbe : TestKitBase, IActorRef, IWrappedActorRef
{
    private readonly ActorSystem _system;
    private readonly LocalActorRef _ref;

    internal TestProbe(ActorSystem system, string? name)
    {
        _system = system;
        Queue = new MessageQueue();
        _ref = (LocalActorRef)system.ActorOf(Props.Create(() => new ProbeActor(Queue)), name);
    }

    public override ActorSystem Sys => _system;

    public override IActorRef TestActor => _ref;

    public IActorRef Ref => _ref;

    public ActorPath Path => _ref.Path;

    LocalActorRef IWrappedActorRef.Underlying => _ref;

    internal override MessageQueue Queue { get; }

    public void Tell(object message, IActorRef? sender = null) => _ref.Tell(message, sender);

    /// <summary>Watches <paramref name="subject"/>; returns once the watch is registered.</summary>
    public IActorRef Watch(IActorRef subject) => Command(subject, watch: true);

    public IActorRef Unwatch(IActorRef subject) => Command(subject, watch: false);

    public bool Equals(IActorRef? other) => _ref.Equals(other);

    public override bool Equals(object? obj) => obj is IActorRef r && _ref.Equals(r);

    public override int GetHashCode() => _ref.GetHashCode();

    public override string ToString() => $"TestProbe[{Path}]";

    private IActorRef Command(IActorRef subject, bool watch)
    {
        ArgumentNullException.ThrowIfNull(subject);
        using var done = new ManualResetEventSlim();
        _ref.Tell(new ProbeActor.WatchCommand(subject, watch, done));
        if (!done.Wait(TimeSpan.FromSeconds(10)))
            throw new TimeoutException($"probe {Path} did not register the {(watch ? "watch" : "unwatch")} of {subject.Path}");
        return subject;
    }
}
