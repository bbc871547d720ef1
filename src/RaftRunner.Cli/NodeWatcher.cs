using RaftRunner.Actors;

namespace RaftRunner.Cli;

/// <summary>A task that completes when an actor stops (death watch from a tiny actor), so the command can exit.</summary>
internal sealed class NodeWatcher : ReceiveActor
{
    private NodeWatcher(IActorRef node, TaskCompletionSource stopped)
    {
        Context.Watch(node);
        Receive<Terminated>(_ => stopped.TrySetResult());
    }

    public static Task WhenStopped(ActorSystem system, IActorRef node)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new NodeWatcher(node, stopped)), "node-watcher");
        return stopped.Task;
    }
}
