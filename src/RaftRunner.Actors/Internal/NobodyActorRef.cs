namespace RaftRunner.Actors.Internal;

/// <summary>The sender of messages sent from outside any actor; whatever is told to it is dropped.</summary>
internal sealed class NobodyActorRef : MinimalActorRef
{
    public static readonly NobodyActorRef Instance = new();

    private NobodyActorRef() : base(ActorPath.Root("nobody").Child("nobody")) { }

    public override void Tell(object message, IActorRef? sender = null) { }
}
