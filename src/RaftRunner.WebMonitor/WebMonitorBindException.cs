namespace RaftRunner.WebMonitor;

/// <summary>The web monitor could not listen on its address (the port is taken, or the address is not this machine's).</summary>
public sealed class WebMonitorBindException : IOException
{
    public WebMonitorBindException()
    {
    }

    public WebMonitorBindException(string message)
        : base(message)
    {
    }

    public WebMonitorBindException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
