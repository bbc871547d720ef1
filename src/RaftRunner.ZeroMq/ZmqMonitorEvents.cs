namespace RaftRunner.ZeroMq;

/// <summary>
/// Socket monitor events (ZMQ_EVENT_*, values as in zmq.h). Used both as the mask passed to
/// <see cref="ZmqMonitor"/> and, one bit at a time, as <see cref="ZmqMonitorEvent.Event"/>.
/// </summary>
[Flags]
public enum ZmqMonitorEvents
{
    None = 0,

    /// <summary>A connect completed; value is the TCP socket's fd.</summary>
    Connected = 0x0001,

    /// <summary>A connect did not complete at once and will be retried; value is the errno.</summary>
    ConnectDelayed = 0x0002,

    /// <summary>A reconnect was scheduled; value is the reconnect interval in ms.</summary>
    ConnectRetried = 0x0004,

    /// <summary>A bind succeeded; value is the listening fd.</summary>
    Listening = 0x0008,

    /// <summary>A bind failed; value is the errno.</summary>
    BindFailed = 0x0010,

    /// <summary>A connection was accepted on a bound endpoint; value is the fd.</summary>
    Accepted = 0x0020,

    /// <summary>Accepting a connection failed; value is the errno.</summary>
    AcceptFailed = 0x0040,

    /// <summary>A connection's fd was closed; value is the fd.</summary>
    Closed = 0x0080,

    /// <summary>Closing an fd failed; value is the errno.</summary>
    CloseFailed = 0x0100,

    /// <summary>A session ended unexpectedly (peer went away); value is the fd.</summary>
    Disconnected = 0x0200,

    /// <summary>The monitor was stopped; the last event a monitor delivers.</summary>
    MonitorStopped = 0x0400,

    /// <summary>The ZMTP handshake failed without more detail (e.g. the peer closed during it); value is the errno.</summary>
    HandshakeFailedNoDetail = 0x0800,

    /// <summary>The ZMTP handshake (including any CURVE exchange) completed; the connection is usable.</summary>
    HandshakeSucceeded = 0x1000,

    /// <summary>The handshake failed on a protocol error, e.g. a CURVE message that did not decrypt; value is a ZMQ_PROTOCOL_ERROR_* code.</summary>
    HandshakeFailedProtocol = 0x2000,

    /// <summary>The ZAP handler rejected the peer; value is the ZAP status code.</summary>
    HandshakeFailedAuth = 0x4000,

    /// <summary>ZMQ_EVENT_ALL.</summary>
    All = 0xFFFF,
}
