using RaftRunner.Protocol;
using RaftRunner.ZeroMq;

namespace RaftRunner.Node.Bridge;

/// <summary>One peer's DEALER and the requests on it that wait for an answer. Owned by the I/O thread.</summary>
internal sealed class PeerConnection(PeerInfo peer, ZmqSocket dealer, int pendingCapacity) : IDisposable
{
    public PeerInfo Peer { get; } = peer;

    public ZmqSocket Dealer { get; } = dealer;

    public PendingRequestTypes Pending { get; } = new(pendingCapacity);

    /// <summary>Closes the DEALER (LINGER 0: what it still queued is dropped) and forgets the pending ids.</summary>
    public void Dispose()
    {
        Pending.Clear();
        Dealer.Dispose();
    }
}
