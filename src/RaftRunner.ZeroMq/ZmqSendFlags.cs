namespace RaftRunner.ZeroMq;

/// <summary>Flags for sending, values as in zmq.h.</summary>
[Flags]
public enum ZmqSendFlags
{
    None = 0,

    /// <summary>ZMQ_DONTWAIT: fail with a false return instead of blocking when the message cannot be queued.</summary>
    DontWait = 1,

    /// <summary>ZMQ_SNDMORE: more frames of the same message follow.</summary>
    SendMore = 2,
}
