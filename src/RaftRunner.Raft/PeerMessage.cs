namespace RaftRunner.Raft;

/// <summary>
/// A message between peers: one of the protocol's typed RPC records (RequestVoteRequest, AppendEntriesResponse…)
/// and the peer it comes from or goes to. The core works on these records, never on frames.
/// </summary>
public readonly record struct PeerMessage(string Peer, object Message)
{
    public override string ToString() => $"{Peer}: {Message}";
}
