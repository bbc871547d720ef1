namespace RaftRunner.ZeroMq.Native;

/// <summary>
/// Socket and context option ids from zmq.h. Members keep the C names so an error message built from
/// <c>ToString()</c> names the option exactly as libzmq's documentation does.
/// </summary>
#pragma warning disable CA1707 // C names on purpose, see above
internal enum ZmqOption
{
    ZMQ_ROUTING_ID = 5,
    ZMQ_SUBSCRIBE = 6,
    ZMQ_UNSUBSCRIBE = 7,
    ZMQ_RCVMORE = 13,
    ZMQ_FD = 14,
    ZMQ_EVENTS = 15,
    ZMQ_TYPE = 16,
    ZMQ_LINGER = 17,
    ZMQ_RECONNECT_IVL = 18,
    ZMQ_RECONNECT_IVL_MAX = 21,
    ZMQ_MAXMSGSIZE = 22,
    ZMQ_SNDHWM = 23,
    ZMQ_RCVHWM = 24,
    ZMQ_RCVTIMEO = 27,
    ZMQ_SNDTIMEO = 28,
    ZMQ_LAST_ENDPOINT = 32,
    ZMQ_ROUTER_MANDATORY = 33,
    ZMQ_TCP_KEEPALIVE = 34,
    ZMQ_TCP_KEEPALIVE_CNT = 35,
    ZMQ_TCP_KEEPALIVE_IDLE = 36,
    ZMQ_TCP_KEEPALIVE_INTVL = 37,
    ZMQ_IMMEDIATE = 39,
    ZMQ_IPV6 = 42,
    ZMQ_CURVE_SERVER = 47,
    ZMQ_CURVE_PUBLICKEY = 48,
    ZMQ_CURVE_SECRETKEY = 49,
    ZMQ_CURVE_SERVERKEY = 50,
    ZMQ_ZAP_DOMAIN = 55,
    ZMQ_ROUTER_HANDOVER = 56,
    ZMQ_HEARTBEAT_IVL = 75,
    ZMQ_HEARTBEAT_TTL = 76,
    ZMQ_HEARTBEAT_TIMEOUT = 77,
}
#pragma warning restore CA1707
