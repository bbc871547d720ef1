namespace RaftRunner.Node.Bridge;

/// <summary>
/// Peer id → the ROUTER identity of the connection its latest request came on, so that the answer to a peer
/// request goes back over that connection (zmq-raft peers read answers on the DEALER they asked on). The
/// peer id comes from the request body, which anyone holding the secret can fill in, so the map is bounded:
/// the least recently heard-from id is forgotten first. Used by the I/O thread only.
/// </summary>
internal sealed class PeerRoutes(int capacity)
{
    private readonly OrderedDictionary<string, ReadOnlyMemory<byte>> _routes = new(StringComparer.Ordinal);

    public int Count => _routes.Count;

    /// <summary>Remembers (or refreshes) the route to <paramref name="peerId"/>; a reconnected peer gets a new identity.</summary>
    public void Remember(string peerId, ReadOnlyMemory<byte> identity)
    {
        // Re-adding moves the peer to the young end, so active peers are never the ones evicted.
        if (!_routes.Remove(peerId) && _routes.Count >= capacity)
            _routes.RemoveAt(0);
        _routes.Add(peerId, identity);
    }

    public bool TryGet(string peerId, out ReadOnlyMemory<byte> identity) => _routes.TryGetValue(peerId, out identity);
}
