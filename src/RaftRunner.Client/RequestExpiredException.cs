using RaftRunner.Protocol;

namespace RaftRunner.Client;

/// <summary>
/// The leader refused the request id as expired (RequestUpdate <c>[false]</c> with no third frame, ConfigUpdate
/// status 4): it is older than the cluster's request-id TTL, or from the future, and the update was not made.
/// </summary>
public sealed class RequestExpiredException : RaftClientException
{
    public RequestExpiredException()
    {
    }

    public RequestExpiredException(string message)
        : base(message)
    {
    }

    public RequestExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RequestExpiredException(RequestId requestId, string rpc)
        : base($"{rpc}: the cluster refused request id {requestId} (made {requestId.Timestamp:u}) as expired")
    {
        RequestId = requestId;
    }

    public RequestId RequestId { get; }
}
