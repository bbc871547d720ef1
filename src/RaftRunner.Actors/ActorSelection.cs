using RaftRunner.Actors.Internal;

namespace RaftRunner.Actors;

/// <summary>
/// A path to look actors up by, resolved when used (so it finds whoever lives there at that moment).
/// Absolute (<c>/user/a/b</c> or <c>raft://system/user/a/b</c>) or relative to the actor that made it
/// (<c>child</c>, <c>../sibling</c>). A Tell that finds nobody becomes a dead letter.
/// </summary>
public sealed class ActorSelection
{
    private readonly ActorSystem _system;
    private readonly ActorCell? _anchor;

    internal ActorSelection(ActorSystem system, ActorCell? anchor, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        _system = system;
        _anchor = anchor;
        PathString = path;
    }

    public string PathString { get; }

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Resolve() is { } target)
            target.Tell(message, sender);
        else
            _system.DeadLetter(message, sender ?? ActorRefs.NoSender, _system.DeadLetters);
    }

    /// <summary>The actor at the path now; fails with <see cref="ActorNotFoundException"/> if there is none.</summary>
    public Task<IActorRef> ResolveOne() => Resolve() is { } actor
        ? Task.FromResult(actor)
        : Task.FromException<IActorRef>(new ActorNotFoundException($"no actor at '{PathString}' in {_system}"));

    internal IActorRef? Resolve()
    {
        var path = PathString;
        ActorCell? cell;
        var prefix = $"{ActorPath.Scheme}://";
        if (path.StartsWith(prefix, StringComparison.Ordinal))
        {
            var rest = path[prefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if ((slash < 0 ? rest : rest[..slash]) != _system.Name)
                return null;
            path = slash < 0 ? "/" : rest[slash..];
        }
        var elements = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var index = 0;
        if (path.StartsWith('/'))
        {
            if (elements.Length == 0 || elements[0] != "user")
                return null;
            cell = _system.Guardian;
            index = 1;
        }
        else
        {
            cell = _anchor ?? _system.Guardian;
        }
        for (; index < elements.Length && cell is not null; index++)
        {
            cell = elements[index] switch
            {
                "." => cell,
                ".." => cell.ParentCell,
                var name => cell.TryGetChild(name),
            };
        }
        return cell is { IsTerminated: false } ? cell.Self : null;
    }

    public override string ToString() => $"ActorSelection[{PathString}]";
}
