using System.Security.Cryptography;
using RaftRunner.Protocol.Messages;
using RaftRunner.ZeroMq;

namespace RaftRunner.WebMonitor;

/// <summary>
/// Asks a peer for its web monitor's url with zmq-raft's <c>W</c> request (<c>[id, "W", secret]</c> → <c>[id]</c> or
/// <c>[id, url]</c>), which zmq-raft's webmonitor and RaftRunner nodes answer. <see cref="Client.RaftClient"/> has no
/// call for it, so each probe is one short-lived DEALER, created, used and closed on one thread.
/// </summary>
internal sealed class WebUrlProbe(ReadOnlyMemory<byte> secret) : IDisposable
{
    private readonly ZmqContext _context = new();

    /// <summary>
    /// The peer's web monitor url, or null when it has none (or does not answer within <paramref name="timeout"/>).
    /// Blocks its thread for at most the timeout: run it on a thread of its own.
    /// </summary>
    public string? Ask(string peerUrl, TimeSpan timeout)
    {
        try
        {
            using var socket = _context.CreateSocket(ZmqSocketType.Dealer);
            socket.Linger = TimeSpan.Zero;
            socket.ReceiveTimeout = timeout;
            socket.SendTimeout = timeout;
            socket.Connect(peerUrl);
            var id = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
            if (!socket.TrySendMultipart(UrlRequest.WebMonitorUrl(id).Encode(secret)))
                return null;
            var deadline = DateTime.UtcNow + timeout;
            using var answer = new ZmqMessage();
            while (DateTime.UtcNow < deadline && socket.TryReceiveMultipart(answer))
            {
                if (UrlResponse.TryDecode(answer, out var response, out _) && response.RequestId == id)
                    return IsWebUrl(response.Url) ? response.Url : null;
            }
            return null;
        }
        catch (Exception e) when (e is ZmqException or ObjectDisposedException)
        {
            return null; // a bad url, or the monitor is stopping
        }
    }

    /// <summary>Whether <paramref name="url"/> is an absolute http(s) url: the page links to it, so nothing else is taken.</summary>
    public static bool IsWebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public void Dispose() => _context.Dispose();
}
