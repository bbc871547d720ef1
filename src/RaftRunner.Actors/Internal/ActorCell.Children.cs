using System.Collections.Concurrent;

namespace RaftRunner.Actors.Internal;

internal sealed partial class ActorCell
{
    private ConcurrentDictionary<string, ActorCell>? _children; // created with the first child
    private long _nextChildName;

    public IEnumerable<IActorRef> Children => _children is { } c ? c.Values.Select(x => x.Self).ToArray() : [];

    public IActorRef? Child(string name) => TryGetChild(name)?.Self;

    /// <summary>Thread-safe lookup of a live (not yet stopped) child.</summary>
    public ActorCell? TryGetChild(string name) =>
        _children is { } c && c.TryGetValue(name, out var cell) && !cell.IsTerminated ? cell : null;

    /// <summary>
    /// Thread-safe: the name is reserved at once, so a duplicate fails here and not later. Either the child
    /// is started and this actor's stop (if one races) will stop it too, or ActorOf throws and the child
    /// never runs.
    /// </summary>
    private IActorRef CreateChild(Props props, string? name)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (_stopRequested)
            throw new ActorException($"cannot create a child of {Path}: it is stopping");
        if (name is null)
            name = "$" + ToBase36(Interlocked.Increment(ref _nextChildName));
        else
            ActorPath.ValidateName(name);
        var children = _children ?? Interlocked.CompareExchange(ref _children, new ConcurrentDictionary<string, ActorCell>(1, 4), null) ?? _children!;
        var child = new ActorCell(System, this, props, Path.Child(name, System.NextUid()));
        if (!children.TryAdd(name, child))
            throw new InvalidActorNameException($"actor name '{name}' is not unique under {Path}");
        // A stop may have begun since the check above, and its StopChildren may have enumerated the children
        // before our TryAdd. Full fences here and in StopChildren (between "stop requested" and reading the
        // children) make sure at least one side sees the other: the stop stops this child, or we do.
        Interlocked.MemoryBarrier();
        if (_stopRequested)
        {
            // Never started, so no user code runs; it still stops properly (StopChildren may wait for it).
            children.TryRemove(new KeyValuePair<string, ActorCell>(name, child));
            child.RequestStop();
            throw new ActorException($"cannot create a child of {Path}: it is stopping");
        }
        child.Start();
        return child.Self;
    }

    /// <summary>Asks every child to stop; false when there were none to wait for.</summary>
    private bool StopChildren()
    {
        Interlocked.MemoryBarrier(); // pairs with the fence in CreateChild: _stopRequested is set, now read the children
        if (_children is not { IsEmpty: false } children)
            return false;
        foreach (var child in children.Values)
            child.RequestStop();
        return true;
    }

    private void HandleChildTerminated(ActorCell child)
    {
        _children?.TryRemove(new KeyValuePair<string, ActorCell>(child.Path.Name, child));
        if (_terminating)
        {
            if (_children is not { IsEmpty: false })
                FinishTerminate();
            return;
        }
        if (_pendingRecreate is { } cause && _restartWaitsFor?.Remove(child) == true && _restartWaitsFor.Count == 0)
        {
            _pendingRecreate = null;
            _restartWaitsFor = null;
            FinishRecreate(cause);
        }
    }

    private static string ToBase36(long value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        Span<char> buffer = stackalloc char[16];
        var i = buffer.Length;
        do
        {
            buffer[--i] = digits[(int)(value % 36)];
            value /= 36;
        } while (value > 0);
        return new string(buffer[i..]);
    }
}
