using Microsoft.Extensions.Logging;

namespace RaftRunner.Node.Bridge;

/// <summary>The bridge's log lines (event ids 1100–1199), source-generated so a disabled level costs nothing.</summary>
internal static partial class BridgeLog
{
    [LoggerMessage(1100, LogLevel.Information, "Node {NodeId}: ROUTER bound to {Endpoint}")]
    public static partial void RouterBound(ILogger logger, string nodeId, string endpoint);

    [LoggerMessage(1101, LogLevel.Information, "Node {NodeId}: PUB bound to {Endpoint}")]
    public static partial void PubBound(ILogger logger, string nodeId, string endpoint);

    [LoggerMessage(1102, LogLevel.Information, "Peer {PeerId}: DEALER connecting to {Url}")]
    public static partial void PeerAdded(ILogger logger, string peerId, string url);

    [LoggerMessage(1103, LogLevel.Information, "Peer {PeerId}: DEALER to {Url} closed")]
    public static partial void PeerRemoved(ILogger logger, string peerId, string url);

    [LoggerMessage(1104, LogLevel.Warning, "Peer {PeerId}: cannot connect a DEALER to {Url}; the peer stays unreachable until the next SetPeers")]
    public static partial void PeerConnectFailed(ILogger logger, Exception exception, string peerId, string url);

    [LoggerMessage(1105, LogLevel.Warning, "Dropped a malformed message from {Source}: {Error}{Suppressed}")]
    public static partial void Malformed(ILogger logger, string source, string error, string suppressed);

    [LoggerMessage(1106, LogLevel.Debug, "Ignored a message from {Source}: {Reason}{Suppressed}")]
    public static partial void Ignored(ILogger logger, string source, string reason, string suppressed);

    [LoggerMessage(1107, LogLevel.Debug, "Dropped an outbound message: {Reason}{Suppressed}")]
    public static partial void OutboundDropped(ILogger logger, string reason, string suppressed);

    [LoggerMessage(1108, LogLevel.Warning, "Dropped a message the bridge cannot send: {Problem}{Suppressed}")]
    public static partial void Unsendable(ILogger logger, string problem, string suppressed);

    [LoggerMessage(1109, LogLevel.Error, "The bridge's I/O loop failed ({Where}) and goes on{Suppressed}")]
    public static partial void LoopError(ILogger logger, Exception exception, string where, string suppressed);

    [LoggerMessage(1110, LogLevel.Error, "Node {NodeId}: the bridge could not open its sockets")]
    public static partial void StartFailed(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(1111, LogLevel.Warning, "Node {NodeId}: the bridge's I/O thread did not end within {Timeout}")]
    public static partial void StopTimedOut(ILogger logger, string nodeId, TimeSpan timeout);

    [LoggerMessage(1112, LogLevel.Debug, "Node {NodeId}: the bridge's I/O thread ended")]
    public static partial void Stopped(ILogger logger, string nodeId);

    /// <summary>The tail of a throttled line: how many like it were held back.</summary>
    public static string SuppressedNote(int suppressed) => suppressed > 0 ? $" ({suppressed} similar lines suppressed)" : "";
}
