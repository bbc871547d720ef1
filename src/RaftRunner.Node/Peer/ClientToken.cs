using RaftRunner.Node.Bridge;

namespace RaftRunner.Node.Peer;

/// <summary>The token the core carries for a client request: where its answers go.</summary>
internal sealed record ClientToken(ClientEnvelope Envelope);
