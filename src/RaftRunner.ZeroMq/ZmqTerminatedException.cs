namespace RaftRunner.ZeroMq;

/// <summary>
/// The socket's context is being disposed (libzmq's ETERM). It is its own type because it is the normal
/// way an I/O loop learns to stop: catch it, leave the loop, dispose the socket.
/// </summary>
public sealed class ZmqTerminatedException : ZmqException
{
    public ZmqTerminatedException() : this("The ZeroMQ context was terminated") { }

    public ZmqTerminatedException(string message) : base(message, ZmqErrorCode.Terminated) { }

    public ZmqTerminatedException(string message, Exception innerException)
        : base(message, ZmqErrorCode.Terminated, innerException) { }
}
