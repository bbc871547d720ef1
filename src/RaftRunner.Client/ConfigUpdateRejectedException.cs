namespace RaftRunner.Client;

/// <summary>
/// The leader refused a ConfigUpdate's peer list (status 2). <see cref="ErrorName"/> and <see cref="ErrorMessage"/>
/// are what it sent, e.g. zmq-raft's <c>AssertionError</c> / <c>peer url must be unique</c>.
/// </summary>
public sealed class ConfigUpdateRejectedException : RaftClientException
{
    public ConfigUpdateRejectedException()
    {
    }

    public ConfigUpdateRejectedException(string message)
        : base(message)
    {
    }

    public ConfigUpdateRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConfigUpdateRejectedException(string? errorName, string? errorMessage)
        : base($"ConfigUpdate refused: {errorName ?? "Error"}: {errorMessage}")
    {
        ErrorName = errorName;
        ErrorMessage = errorMessage;
    }

    public string? ErrorName { get; }

    public string? ErrorMessage { get; }
}
