using RaftRunner.Actors;
using RaftRunner.Node;
using RaftRunner.Node.Peer;

namespace RaftRunner.Hosting;

/// <summary>
/// The facade's eyes inside the actor system: subscribes to the node's role changes and watches it, and hands both
/// to callbacks (run on this actor's turn, one at a time).
/// </summary>
internal sealed class NodeObserverActor : ReceiveActor
{
    private readonly IActorRef _node;
    private string? _stopReason;

    public NodeObserverActor(IActorRef node, Action<RoleChanged> changed, Action<string?> stopped)
    {
        _node = node;
        Receive<RoleChanged>(changed);
        Receive<NodeStopped>(s => _stopReason ??= s.Reason);
        Receive<Terminated>(t =>
        {
            if (t.Actor.Equals(_node))
                stopped(_stopReason);
        });
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(NodeStopped)); // published before the node terminates
        Context.Watch(_node);
        _node.Tell(SubscribeRoleChanges.Instance, Self);
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
