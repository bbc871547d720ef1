using RaftRunner.Node;

namespace RaftRunner.Hosting;

/// <summary>
/// A query got no answer: <see cref="QueryFailure.Timeout"/> (no leader confirmed a linearizable read in time) or
/// <see cref="QueryFailure.Rejected"/> (the state machine's <c>QueryAsync</c> threw; the message is its error).
/// </summary>
public sealed class QueryFailedException : Exception
{
    public QueryFailedException()
    {
    }

    public QueryFailedException(string message) : base(message)
    {
    }

    public QueryFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public QueryFailedException(QueryFailure reason, string message) : base(message) => Reason = reason;

    public QueryFailure Reason { get; }
}
