namespace RaftRunner.Client;

/// <summary>
/// A ConfigUpdate was still answered "busy" (status 3: another membership change is in progress) when the call's
/// time ran out; the client had been retrying it with backoff until then.
/// </summary>
public sealed class ClusterBusyException : RaftClientException
{
    public ClusterBusyException()
    {
    }

    public ClusterBusyException(string message)
        : base(message)
    {
    }

    public ClusterBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
