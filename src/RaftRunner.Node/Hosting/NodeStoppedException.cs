namespace RaftRunner.Hosting;

/// <summary>The node is no longer running: it was disposed, or it stopped by itself (the message says why, e.g. a refused join).</summary>
public sealed class NodeStoppedException : InvalidOperationException
{
    public NodeStoppedException()
    {
    }

    public NodeStoppedException(string message) : base(message)
    {
    }

    public NodeStoppedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
