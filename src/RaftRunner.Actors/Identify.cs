namespace RaftRunner.Actors;

/// <summary>Every actor answers this with <see cref="ActorIdentity"/> without the actor's code seeing it.</summary>
public sealed record Identify(object? MessageId);

/// <summary>The answer to <see cref="Identify"/>; <see cref="Subject"/> is null when nobody lives at the path.</summary>
public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);
