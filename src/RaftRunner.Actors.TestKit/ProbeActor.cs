namespace RaftRunner.Actors.TestKit;

/// <summary>The actor behind a probe: records everything it receives, and runs watch commands for the test thread.</summary>
internal sealed class ProbeActor(MessageQueue queue) : ActorBase
{
    protected internal override bool Receive(object message)
    {
        switch (message)
        {
            case WatchCommand w:
                if (w.Watch)
                    Context.Watch(w.Subject);
                else
                    Context.Unwatch(w.Subject);
                w.Done.Set();
                break;
            default:
                queue.Add(new ReceivedMessage(message, Sender));
                break;
        }
        return true;
    }

    internal sealed record WatchCommand(IActorRef Subject, bool Watch, ManualResetEventSlim Done);
}
