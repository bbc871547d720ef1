using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Log;

namespace RaftRunner.Raft.Requests;

/// <summary>One open RequestEntries stream: log entries or snapshot chunks sent ahead of the client's acknowledgements.</summary>
internal abstract class EntriesStream(long expiresAtMs)
{
    /// <summary>The sweep cancels the stream once the clock is past this (server.js:537).</summary>
    public long ExpiresAtMs { get; protected set; } = expiresAtMs;

    /// <summary>Everything is sent and at most the last response is unacknowledged, so no acknowledgement is awaited.</summary>
    public bool Done { get; protected set; }

    /// <summary>A request carrying this stream's key: an acknowledgement, a stop (count 0) or something inconsistent.</summary>
    public abstract FollowUpResult FollowUp(RequestEntriesRequest request, IRaftLogReader log, long nowMs, List<RequestEntriesResponse> replies);
}

internal enum FollowUpResult
{
    /// <summary>A valid acknowledgement; the stream goes on.</summary>
    Continued,

    /// <summary>The stream is over (stopped by the client or fully sent); the request needs nothing more.</summary>
    Ended,

    /// <summary>The stream is cancelled and the request is handled as a new one (server.js:246-252).</summary>
    Rejected,
}
