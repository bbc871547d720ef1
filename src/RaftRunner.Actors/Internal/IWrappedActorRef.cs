namespace RaftRunner.Actors.Internal;

/// <summary>
/// A reference that stands for a local actor without being its <see cref="LocalActorRef"/> (the TestKit's
/// probe is one). The kernel needs the cell behind a reference to watch it, stop it, subscribe it or find
/// its system, so it unwraps through <see cref="LocalActorRef.From"/> instead of testing for the concrete type.
/// </summary>
internal interface IWrappedActorRef
{
    LocalActorRef Underlying { get; }
}
