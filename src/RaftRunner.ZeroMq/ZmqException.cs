namespace RaftRunner.ZeroMq;

/// <summary>
/// A libzmq call failed. The message names the call and its argument and carries zmq_strerror's text,
/// e.g. <c>zmq_bind(tcp://127.0.0.1:8041) failed: Address already in use (EADDRINUSE)</c>.
/// </summary>
public class ZmqException : Exception
{
    public ZmqException() { }

    public ZmqException(string message) : base(message) { }

    public ZmqException(string message, Exception innerException) : base(message, innerException) { }

    public ZmqException(string message, int errorCode) : base(message) => ErrorCode = errorCode;

    public ZmqException(string message, int errorCode, Exception? innerException) : base(message, innerException) =>
        ErrorCode = errorCode;

    /// <summary>
    /// The errno libzmq reported; compare with <see cref="ZmqErrorCode"/> (values differ between operating
    /// systems). 0 when the failure did not come from a libzmq call, e.g. libzmq could not be loaded.
    /// </summary>
    public int ErrorCode { get; }
}
