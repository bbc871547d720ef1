namespace RaftRunner.Actors.Internal;

internal sealed partial class ActorCell
{
    private HashSet<IActorRef>? _watchers;          // who gets Terminated when this actor stops
    private HashSet<IActorRef>? _watching;          // whom this actor watches
    private HashSet<IActorRef>? _terminatedQueued;  // notifications queued as Terminated, not yet delivered

    public IActorRef Watch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        // Kept by the actor's own reference, which is what its Terminated carries (a probe compares equal to it).
        var local = LocalActorRef.From(subject);
        var watched = (IActorRef?)local ?? subject;
        if (watched.Equals(Self) || !(_watching ??= []).Add(watched))
            return subject;
        if (local is not null)
            local.Cell.SendSystemMessage(new Watch(Self));
        else
            WatchedActorTerminated(watched); // nothing lives behind it: it is as good as terminated
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var local = LocalActorRef.From(subject);
        var watched = (IActorRef?)local ?? subject;
        _terminatedQueued?.Remove(watched);
        if (_watching?.Remove(watched) == true && local is not null)
            local.Cell.SendSystemMessage(new Unwatch(Self));
        return subject;
    }

    private void AddWatcher(IActorRef watcher)
    {
        if (_terminated)
            NotifyTerminated(watcher);
        else
            (_watchers ??= []).Add(watcher);
    }

    /// <summary>A watched actor stopped: deliver Terminated through the mailbox, after whatever it sent before dying.</summary>
    private void WatchedActorTerminated(IActorRef actor)
    {
        if (_terminating || _watching?.Remove(actor) != true)
            return;
        (_terminatedQueued ??= []).Add(actor);
        SendMessage(new Terminated(actor) { FromDeathWatch = true }, actor);
    }

    private void NotifyTerminated(IActorRef watcher)
    {
        LocalActorRef.From(watcher)?.Cell.SendSystemMessage(new DeathWatchNotification(Self));
    }

    private void TellWatchersAndUnwatchAll()
    {
        if (_watchers is not null)
        {
            foreach (var watcher in _watchers)
                NotifyTerminated(watcher);
            _watchers = null;
        }
        if (_watching is not null)
        {
            foreach (var subject in _watching)
                LocalActorRef.From(subject)?.Cell.SendSystemMessage(new Unwatch(Self));
            _watching = null;
        }
        _terminatedQueued = null;
    }
}
