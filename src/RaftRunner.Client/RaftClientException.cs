namespace RaftRunner.Client;

/// <summary>The cluster refused a request for good (retrying it would not help).</summary>
public class RaftClientException : Exception
{
    public RaftClientException()
    {
    }

    public RaftClientException(string message)
        : base(message)
    {
    }

    public RaftClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
