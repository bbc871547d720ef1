using RaftRunner.Actors.Internal;

namespace RaftRunner.Actors;

public static class ActorRefs
{
    /// <summary>The sender of a message told from outside an actor; replies to it are dropped.</summary>
    public static IActorRef Nobody => NobodyActorRef.Instance;

    /// <summary>Same as <see cref="Nobody"/>; reads better at a Tell call site.</summary>
    public static IActorRef NoSender => NobodyActorRef.Instance;
}
