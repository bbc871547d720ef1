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
        Building().Add(typeof(T), m => shouldHandle is null || shouldHandle((T)m), m => { handler((T)m); return true; });
    }

    /// <summary>A handler that decides itself: returning false lets later handlers (or Unhandled) have the message.</summary>
    protected void Receive<T>(Func<T, bool> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Building().Add(typeof(T), null, m => handler((T)m));
    }

    /// <summary>An asynchronous handler: the next message waits until the returned task completes.</summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Building().Add(typeof(T), m => shouldHandle is null || shouldHandle((T)m), m =>
        {
            RunTask(() => handler((T)m));
            return true;
        });
    }

    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Building().Add(typeof(object), null, m => { handler(m); return true; });
    }

    protected void ReceiveAnyAsync(Func<object, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Building().Add(typeof(object), null, m =>
        {
            RunTask(() => handler(m));
            return true;
        });
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

        public void Add(Type type, Func<object, bool>? accepts, Func<object, bool> invoke) => _handlers.Add(new Handler(type, accepts, invoke));

        public bool Handle(object message)
        {
            var type = message.GetType();
            foreach (var h in _handlers)
            {
                if ((h.Type == type || h.Type.IsAssignableFrom(type)) && (h.Accepts is null || h.Accepts(message)) && h.Invoke(message))
                    return true;
            }
            return false;
        }
    }

    private sealed record Handler(Type Type, Func<object, bool>? Accepts, Func<object, bool> Invoke);
}
