namespace RaftRunner.Raft;

/// <summary>An answer for a client: <see cref="Token"/> is whatever the host passed with the request (e.g. the ROUTER identity and request id).</summary>
public readonly record struct ClientReply(object Token, object Response);
