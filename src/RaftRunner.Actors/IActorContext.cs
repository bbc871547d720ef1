using Microsoft.Extensions.Logging;

namespace RaftRunner.Actors;

/// <summary>
/// What an actor can do about itself and its children. Valid only on the actor's own turn (inside a
/// handler or lifecycle hook); never hand it to another thread.
/// </summary>
public interface IActorContext
{
    IActorRef Self { get; }

    /// <summary>The sender of the message being processed (<see cref="ActorRefs.NoSender"/> when none).</summary>
    IActorRef Sender { get; }

    IActorRef Parent { get; }

    Props Props { get; }

    ActorSystem System { get; }

    IEnumerable<IActorRef> Children { get; }

    /// <summary>A child by name, or null.</summary>
    IActorRef? Child(string name);

    /// <summary>Creates a child; <paramref name="name"/> must be unique among its siblings (null: a generated name).</summary>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops a child (or this actor) asynchronously; what it already had queued becomes dead letters.</summary>
    void Stop(IActorRef actor);

    /// <summary>Asks for a <see cref="Terminated"/> when <paramref name="subject"/> stops (at once if it already has).</summary>
    IActorRef Watch(IActorRef subject);

    /// <summary>Withdraws a watch; no <see cref="Terminated"/> for that subject is delivered afterwards.</summary>
    IActorRef Unwatch(IActorRef subject);

    /// <summary>Looks an actor up by path: absolute (<c>/user/a</c>) or relative to this actor (<c>child</c>, <c>../sibling</c>).</summary>
    ActorSelection ActorSelection(string path);

    /// <summary>A logger named after the actor's class; messages carry the actor's path in scope.</summary>
    ILogger GetLogger();
}
