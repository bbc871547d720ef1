namespace RaftRunner.Actors;

/// <summary>Published on the event stream when an actor's behaviour does not handle a message.</summary>
public sealed record UnhandledMessage(object Message, IActorRef Sender, IActorRef Recipient);
