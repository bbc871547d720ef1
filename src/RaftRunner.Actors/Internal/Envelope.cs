namespace RaftRunner.Actors.Internal;

/// <summary>A message and who sent it, as it waits in a mailbox.</summary>
internal readonly record struct Envelope(object Message, IActorRef Sender);
