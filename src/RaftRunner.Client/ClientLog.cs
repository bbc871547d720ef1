using Microsoft.Extensions.Logging;

namespace RaftRunner.Client;

/// <summary>The client's log lines (event ids 1300–1399), source-generated so a disabled level costs nothing.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1300, LogLevel.Information, "Leader is {LeaderId} at {Url}")]
    public static partial void LeaderFound(ILogger logger, string leaderId, string url);

    [LoggerMessage(1301, LogLevel.Debug, "{Rpc}: no answer from {Url} within {Timeout}; trying another peer")]
    public static partial void NoAnswer(ILogger logger, string rpc, string url, TimeSpan timeout);

    [LoggerMessage(1302, LogLevel.Debug, "{Rpc}: {Url} is not the leader; it names {LeaderId}")]
    public static partial void NotLeader(ILogger logger, string rpc, string url, string? leaderId);

    [LoggerMessage(1303, LogLevel.Warning, "{Rpc}: dropped a malformed answer from {Url}: {Error}")]
    public static partial void Malformed(ILogger logger, string rpc, string url, string error);

    [LoggerMessage(1304, LogLevel.Debug, "ConfigUpdate: the cluster is busy with another change; again in {Delay}")]
    public static partial void Busy(ILogger logger, TimeSpan delay);

    [LoggerMessage(1305, LogLevel.Debug, "RequestEntries from {Url}: {Problem}; asking again after index {PrevIndex}")]
    public static partial void EntriesRestart(ILogger logger, string url, string problem, long prevIndex);

    [LoggerMessage(1306, LogLevel.Information, "Subscriber: listening to the leader's broadcasts at {Url}")]
    public static partial void Subscribed(ILogger logger, string url);

    [LoggerMessage(1307, LogLevel.Debug, "Subscriber: no broadcast within {Timeout}; looking for the leader again")]
    public static partial void BroadcastTimeout(ILogger logger, TimeSpan timeout);

    [LoggerMessage(1308, LogLevel.Debug, "Subscriber: entries {From}..{To} missed; reading them from the log")]
    public static partial void FillingGap(ILogger logger, long from, long to);

    [LoggerMessage(1309, LogLevel.Debug, "Subscriber: a broadcast was dropped because the reader is behind; the log fills the gap")]
    public static partial void BroadcastDropped(ILogger logger);

    [LoggerMessage(1314, LogLevel.Warning, "Subscriber: could not read the missed entries ({Reason}); waiting for the next broadcast")]
    public static partial void GapNotFilled(ILogger logger, string reason);

    [LoggerMessage(1310, LogLevel.Debug, "Dropped an answer from {Url} nobody waits for (request id {RequestId})")]
    public static partial void UnmatchedAnswer(ILogger logger, string url, string requestId);

    [LoggerMessage(1311, LogLevel.Warning, "Cannot connect to {Url}; requests to it will time out")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, string url);

    [LoggerMessage(1312, LogLevel.Error, "The client's I/O loop failed; every call fails from now on")]
    public static partial void IoLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(1313, LogLevel.Warning, "The client's I/O thread did not stop within 5 s; its sockets are closed under it")]
    public static partial void IoThreadStuck(ILogger logger);
}
