namespace RaftRunner.Protocol;

/// <summary>A cluster member as zmq-raft configurations list it: <c>[peer_id, peer_url]</c>.</summary>
public readonly record struct PeerInfo(string Id, string Url)
{
    public override string ToString() => $"{Id}={Url}";
}
