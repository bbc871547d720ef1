using RaftRunner.Node;

namespace RaftRunner.Hosting;

/// <summary>
/// <see cref="RaftRunner.ChangeStateMachineAsync(ReadOnlyMemory{byte}, CancellationToken)"/> did not apply the
/// change; <see cref="Reason"/> says which of the documented outcomes it was:
/// <list type="bullet">
/// <item><see cref="ChangeFailure.Timeout"/>: not known to be committed within the change timeout (no leader reachable).
/// It may still be committed later: retry with the same request id to find out without applying it twice.</item>
/// <item><see cref="ChangeFailure.Expired"/>: the request id is too old (request-id-ttl); it will never be applied.</item>
/// <item><see cref="ChangeFailure.Refused"/>: empty, or larger than max-log-entry-data-size; nothing was appended.</item>
/// <item><see cref="ChangeFailure.ApplyFailed"/>: committed at <see cref="Index"/>, but the state machine rejected it
/// (the <see cref="Exception.InnerException"/> is what it threw); the state is unchanged on every node.</item>
/// </list>
/// </summary>
public sealed class ChangeFailedException : Exception
{
    public ChangeFailedException()
    {
    }

    public ChangeFailedException(string message) : base(message)
    {
    }

    public ChangeFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public ChangeFailedException(ChangeFailure reason, string message, long index = 0, string? leaderId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        Index = index;
        LeaderId = leaderId;
    }

    public ChangeFailure Reason { get; }

    /// <summary>The entry's index for <see cref="ChangeFailure.ApplyFailed"/>, else 0.</summary>
    public long Index { get; }

    /// <summary>The leader when known.</summary>
    public string? LeaderId { get; }
}
