namespace RaftRunner.Node;

/// <summary>
/// Published on the actor system's event stream when a RaftRunnerActor stops: <see cref="Reason"/> says why (null
/// for a stop someone asked for). Subscribe to learn that a node gave up, e.g. when a join was refused.
/// </summary>
public sealed record NodeStopped(string NodeId, string? Reason);
