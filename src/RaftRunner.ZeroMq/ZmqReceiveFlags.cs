namespace RaftRunner.ZeroMq;

/// <summary>Flags for receiving, values as in zmq.h.</summary>
[Flags]
public enum ZmqReceiveFlags
{
    None = 0,

    /// <summary>ZMQ_DONTWAIT: return false at once when no message is waiting.</summary>
    DontWait = 1,
}
