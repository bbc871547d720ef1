namespace RaftRunner.Actors;

/// <summary>
/// An actor that declares typed handlers in its constructor (or inside <see cref="Become(Action)"/>):
/// the first handler whose type and predicate match a message gets it.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private readonly HandlerSet _initial = new();
    private HandlerSet? _building;

    protected ReceiveActor() => _building = _initial;

    protected internal sealed override bool Receive(object message)
    {
        // Handlers may only be declared while constructing; freeze the initial set on first use.
        _building = null;
        return _initial.Handle(message);
    }

    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Building().Add(new ActionHandler<T>(handler, shouldHandle));
    }

    /// <summary>A handler that decides itself: returning false lets later handlers (or Unhandled) have the message.</summary>
    protected void Receive<T>(Func<T, bool> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Building().Add(new DecidingHandler<T>(handler));
    }

    /// <summary>
    /// An asynchronous handler: the next message waits until the returned task completes, and so do Stop,
    /// the parent's stop and <see cref="ActorSystem.Terminate"/>. A task that never completes holds them
    /// for ever; bound awaited work with a timeout or cancellation. See <see cref="ActorBase.RunTask"/>.
    /// </summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Building().Add(new ActionHandler<T>(m => RunTask(() => handler(m)), shouldHandle));
    }

    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Building().Add(new ActionHandler<object>(handler, null));
    }

    /// <summary>Like <see cref="ReceiveAsync{T}"/> for any message: the mailbox is held until the task completes.</summary>
    protected void ReceiveAnyAsync(Func<object, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Building().Add(new ActionHandler<object>(m => RunTask(() => handler(m)), null));
    }

    /// <summary>Replaces the current behaviour with the handlers that <paramref name="configure"/> declares.</summary>
    protected void Become(Action configure) => Become(Build(configure));

    /// <summary>Pushes the handlers that <paramref name="configure"/> declares; <c>Unbecome</c> returns to the previous ones.</summary>
    protected void BecomeStacked(Action configure) => BecomeStacked(Build(configure));

    private Func<object, bool> Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var set = new HandlerSet();
        var outer = _building;
        _building = set;
        try
        {
            configure();
        }
        finally
        {
            _building = outer;
        }
        return set.Handle;
    }

    private HandlerSet Building() => _building
        ?? throw new InvalidOperationException("handlers can only be declared in the constructor or inside Become(...)");

    private sealed class HandlerSet
    {
        private readonly List<Handler> _handlers = new(2);

        public void Add(Handler handler) => _handlers.Add(handler);

        public bool Handle(object message)
        {
            foreach (var h in _handlers)
            {
                if (h.TryHandle(message))
                    return true;
            }
            return false;
        }
    }

    // One small object per declared handler (not a chain of closures): idle actors stay light.
    private abstract class Handler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class ActionHandler<T>(Action<T> action, Predicate<T>? shouldHandle) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed)))
                return false;
            action(typed);
            return true;
        }
    }

    private sealed class DecidingHandler<T>(Func<T, bool> handler) : Handler
    {
        public override bool TryHandle(object message) => message is T typed && handler(typed);
    }
}
