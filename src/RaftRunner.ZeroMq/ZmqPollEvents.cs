namespace RaftRunner.ZeroMq;

/// <summary>zmq_poll event bits, values as in zmq.h; also the value of the ZMQ_EVENTS socket option.</summary>
[Flags]
public enum ZmqPollEvents
{
    None = 0,

    /// <summary>ZMQ_POLLIN: at least one whole message can be received without blocking.</summary>
    In = 1,

    /// <summary>ZMQ_POLLOUT: at least one message can be sent without blocking.</summary>
    Out = 2,

    /// <summary>ZMQ_POLLERR: only meaningful for raw file descriptors, never set for ZeroMQ sockets.</summary>
    Error = 4,
}
