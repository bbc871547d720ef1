using System.Text;
using RaftRunner.ZeroMq.Native;

namespace RaftRunner.ZeroMq;

// Typed socket options. Each uses the C type zmq_setsockopt(3) documents for it (int, int64 or bytes):
// libzmq rejects a value of the wrong size with EINVAL. Durations are TimeSpans rounded down to
// milliseconds, with Timeout.InfiniteTimeSpan for libzmq's -1.
public sealed partial class ZmqSocket
{
    private bool _routerMandatory;
    private bool _routerHandover;

    /// <summary>ZMQ_LINGER: how long close keeps unsent messages. This binding's default is zero, see <see cref="ZmqContext"/>.</summary>
    public TimeSpan Linger
    {
        get => FromMilliseconds(GetInt32(ZmqOption.ZMQ_LINGER));
        set => SetInt32(ZmqOption.ZMQ_LINGER, ToMilliseconds(value));
    }

    /// <summary>ZMQ_ROUTING_ID (1 to 255 bytes, not starting with a zero byte): how a ROUTER peer addresses this socket. Set before connecting.</summary>
    public byte[] GetRoutingId() => GetBytes(ZmqOption.ZMQ_ROUTING_ID, 255);

    public void SetRoutingId(ReadOnlySpan<byte> routingId) => SetBytes(ZmqOption.ZMQ_ROUTING_ID, routingId);

    /// <summary>
    /// ZMQ_ROUTER_MANDATORY (ROUTER only): sending to an unknown routing id fails with EHOSTUNREACH and a
    /// full peer makes sends block or return false, instead of silently dropping the message. libzmq
    /// cannot read this option back, so the getter returns what was last set here.
    /// </summary>
    public bool RouterMandatory
    {
        get => _routerMandatory;
        set
        {
            SetInt32(ZmqOption.ZMQ_ROUTER_MANDATORY, value ? 1 : 0);
            _routerMandatory = value;
        }
    }

    /// <summary>
    /// ZMQ_ROUTER_HANDOVER (ROUTER only): a new connection that presents a routing id already in use takes
    /// it over instead of being refused. Write-only in libzmq; the getter returns what was last set here.
    /// </summary>
    public bool RouterHandover
    {
        get => _routerHandover;
        set
        {
            SetInt32(ZmqOption.ZMQ_ROUTER_HANDOVER, value ? 1 : 0);
            _routerHandover = value;
        }
    }

    /// <summary>ZMQ_SNDHWM: outbound queue limit per peer, in messages (0 = none). Set before bind/connect.</summary>
    public int SendHighWatermark
    {
        get => GetInt32(ZmqOption.ZMQ_SNDHWM);
        set => SetInt32(ZmqOption.ZMQ_SNDHWM, value);
    }

    /// <summary>ZMQ_RCVHWM: inbound queue limit per peer, in messages (0 = none). Set before bind/connect.</summary>
    public int ReceiveHighWatermark
    {
        get => GetInt32(ZmqOption.ZMQ_RCVHWM);
        set => SetInt32(ZmqOption.ZMQ_RCVHWM, value);
    }

    /// <summary>ZMQ_SNDTIMEO: how long a blocking send waits before it returns false (infinite by default).</summary>
    public TimeSpan SendTimeout
    {
        get => FromMilliseconds(GetInt32(ZmqOption.ZMQ_SNDTIMEO));
        set => SetInt32(ZmqOption.ZMQ_SNDTIMEO, ToMilliseconds(value));
    }

    /// <summary>ZMQ_RCVTIMEO: how long a blocking receive waits before it returns false (infinite by default).</summary>
    public TimeSpan ReceiveTimeout
    {
        get => FromMilliseconds(GetInt32(ZmqOption.ZMQ_RCVTIMEO));
        set => SetInt32(ZmqOption.ZMQ_RCVTIMEO, ToMilliseconds(value));
    }

    /// <summary>ZMQ_TCP_KEEPALIVE: SO_KEEPALIVE on TCP connections; null keeps the OS default.</summary>
    public bool? TcpKeepalive
    {
        get => GetInt32(ZmqOption.ZMQ_TCP_KEEPALIVE) switch { -1 => null, 0 => false, _ => true };
        set => SetInt32(ZmqOption.ZMQ_TCP_KEEPALIVE, value switch { null => -1, false => 0, true => 1 });
    }

    /// <summary>ZMQ_TCP_KEEPALIVE_IDLE in seconds (-1 = OS default).</summary>
    public int TcpKeepaliveIdleSeconds
    {
        get => GetInt32(ZmqOption.ZMQ_TCP_KEEPALIVE_IDLE);
        set => SetInt32(ZmqOption.ZMQ_TCP_KEEPALIVE_IDLE, value);
    }

    /// <summary>ZMQ_TCP_KEEPALIVE_INTVL in seconds (-1 = OS default).</summary>
    public int TcpKeepaliveIntervalSeconds
    {
        get => GetInt32(ZmqOption.ZMQ_TCP_KEEPALIVE_INTVL);
        set => SetInt32(ZmqOption.ZMQ_TCP_KEEPALIVE_INTVL, value);
    }

    /// <summary>ZMQ_TCP_KEEPALIVE_CNT (-1 = OS default).</summary>
    public int TcpKeepaliveCount
    {
        get => GetInt32(ZmqOption.ZMQ_TCP_KEEPALIVE_CNT);
        set => SetInt32(ZmqOption.ZMQ_TCP_KEEPALIVE_CNT, value);
    }

    /// <summary>ZMQ_IPV6: allow IPv6 addresses (and dual-stack binds); off by default.</summary>
    public bool IPv6
    {
        get => GetInt32(ZmqOption.ZMQ_IPV6) != 0;
        set => SetInt32(ZmqOption.ZMQ_IPV6, value ? 1 : 0);
    }

    /// <summary>ZMQ_RECONNECT_IVL: delay before reconnecting (default 100 ms; infinite = never reconnect).</summary>
    public TimeSpan ReconnectInterval
    {
        get => FromMilliseconds(GetInt32(ZmqOption.ZMQ_RECONNECT_IVL));
        set => SetInt32(ZmqOption.ZMQ_RECONNECT_IVL, ToMilliseconds(value));
    }

    /// <summary>ZMQ_RECONNECT_IVL_MAX: upper bound of the doubling reconnect delay (zero = no backoff).</summary>
    public TimeSpan ReconnectIntervalMax
    {
        get => FromMilliseconds(GetInt32(ZmqOption.ZMQ_RECONNECT_IVL_MAX));
        set => SetInt32(ZmqOption.ZMQ_RECONNECT_IVL_MAX, ToMilliseconds(value));
    }

    /// <summary>ZMQ_HEARTBEAT_IVL: send a ZMTP PING this often (zero = no heartbeats).</summary>
    public TimeSpan HeartbeatInterval
    {
        get => FromMilliseconds(GetInt32(ZmqOption.ZMQ_HEARTBEAT_IVL));
        set => SetInt32(ZmqOption.ZMQ_HEARTBEAT_IVL, ToMilliseconds(value));
    }

    /// <summary>ZMQ_HEARTBEAT_TTL: how long the peer should wait for traffic before dropping us; kept in tenths of a second.</summary>
    public TimeSpan HeartbeatTtl
    {
        get => FromMilliseconds(GetInt32(ZmqOption.ZMQ_HEARTBEAT_TTL));
        set => SetInt32(ZmqOption.ZMQ_HEARTBEAT_TTL, ToMilliseconds(value));
    }

    /// <summary>ZMQ_HEARTBEAT_TIMEOUT: drop the connection when no traffic follows a PING this long (default: the interval).</summary>
    public TimeSpan HeartbeatTimeout
    {
        get => FromMilliseconds(GetInt32(ZmqOption.ZMQ_HEARTBEAT_TIMEOUT));
        set => SetInt32(ZmqOption.ZMQ_HEARTBEAT_TIMEOUT, ToMilliseconds(value));
    }

    /// <summary>ZMQ_CURVE_SERVER: act as CURVE server; also needs <see cref="CurveSecretKey"/>. Set before bind.</summary>
    public bool CurveServer
    {
        get => GetInt32(ZmqOption.ZMQ_CURVE_SERVER) != 0;
        set => SetInt32(ZmqOption.ZMQ_CURVE_SERVER, value ? 1 : 0);
    }

    /// <summary>ZMQ_CURVE_PUBLICKEY as 40 Z85 characters (a client's own public key).</summary>
    public string CurvePublicKey
    {
        get => GetCurveKey(ZmqOption.ZMQ_CURVE_PUBLICKEY);
        set => SetCurveKey(ZmqOption.ZMQ_CURVE_PUBLICKEY, value);
    }

    /// <summary>ZMQ_CURVE_SECRETKEY as 40 Z85 characters (the server's or a client's own secret key).</summary>
    public string CurveSecretKey
    {
        get => GetCurveKey(ZmqOption.ZMQ_CURVE_SECRETKEY);
        set => SetCurveKey(ZmqOption.ZMQ_CURVE_SECRETKEY, value);
    }

    /// <summary>ZMQ_CURVE_SERVERKEY as 40 Z85 characters: the public key of the server a client connects to. Set before connect.</summary>
    public string CurveServerKey
    {
        get => GetCurveKey(ZmqOption.ZMQ_CURVE_SERVERKEY);
        set => SetCurveKey(ZmqOption.ZMQ_CURVE_SERVERKEY, value);
    }

    /// <summary>ZMQ_CURVE_PUBLICKEY from its 32 binary bytes.</summary>
    public void SetCurvePublicKey(ReadOnlySpan<byte> key) => SetCurveKey(ZmqOption.ZMQ_CURVE_PUBLICKEY, key);

    /// <summary>ZMQ_CURVE_SECRETKEY from its 32 binary bytes.</summary>
    public void SetCurveSecretKey(ReadOnlySpan<byte> key) => SetCurveKey(ZmqOption.ZMQ_CURVE_SECRETKEY, key);

    /// <summary>ZMQ_CURVE_SERVERKEY from its 32 binary bytes.</summary>
    public void SetCurveServerKey(ReadOnlySpan<byte> key) => SetCurveKey(ZmqOption.ZMQ_CURVE_SERVERKEY, key);

    /// <summary>ZMQ_ZAP_DOMAIN: the authentication domain passed to a ZAP handler.</summary>
    public string ZapDomain
    {
        get => GetString(ZmqOption.ZMQ_ZAP_DOMAIN, 256);
        set => SetBytes(ZmqOption.ZMQ_ZAP_DOMAIN, Encoding.UTF8.GetBytes(value ?? throw new ArgumentNullException(nameof(value))));
    }

    /// <summary>ZMQ_SUBSCRIBE (SUB only): receive messages whose first frame starts with the prefix; empty = everything.</summary>
    public void Subscribe(ReadOnlySpan<byte> prefix) => SetBytes(ZmqOption.ZMQ_SUBSCRIBE, prefix);

    public void Subscribe(string prefix) =>
        Subscribe(Encoding.UTF8.GetBytes(prefix ?? throw new ArgumentNullException(nameof(prefix))));

    /// <summary>ZMQ_UNSUBSCRIBE (SUB only): removes one earlier identical subscription.</summary>
    public void Unsubscribe(ReadOnlySpan<byte> prefix) => SetBytes(ZmqOption.ZMQ_UNSUBSCRIBE, prefix);

    public void Unsubscribe(string prefix) =>
        Unsubscribe(Encoding.UTF8.GetBytes(prefix ?? throw new ArgumentNullException(nameof(prefix))));

    /// <summary>ZMQ_RCVMORE: more frames of the message being received follow. The receives here take whole messages, so it reads false between them.</summary>
    public bool ReceiveMore => GetInt32(ZmqOption.ZMQ_RCVMORE) != 0;

    /// <summary>ZMQ_EVENTS: whether a message can be received or sent now, without blocking.</summary>
    public ZmqPollEvents Events => (ZmqPollEvents)GetInt32(ZmqOption.ZMQ_EVENTS);

    /// <summary>
    /// ZMQ_FD: a file descriptor (a SOCKET on Windows) that becomes readable when <see cref="Events"/> may
    /// have changed. Edge-triggered: after it signals, read <see cref="Events"/> and drain the socket.
    /// </summary>
    public nint FileDescriptor =>
        OperatingSystem.IsWindows() && nint.Size == 8 ? (nint)GetInt64(ZmqOption.ZMQ_FD) : GetInt32(ZmqOption.ZMQ_FD);

    /// <summary>ZMQ_MAXMSGSIZE in bytes (-1 = no limit). A peer that sends a bigger message is disconnected.</summary>
    public long MaxMessageSize
    {
        get => GetInt64(ZmqOption.ZMQ_MAXMSGSIZE);
        set => SetInt64(ZmqOption.ZMQ_MAXMSGSIZE, value);
    }

    /// <summary>ZMQ_IMMEDIATE: queue messages only to completed connections, so sends block or fail while a peer is down instead of piling up.</summary>
    public bool Immediate
    {
        get => GetInt32(ZmqOption.ZMQ_IMMEDIATE) != 0;
        set => SetInt32(ZmqOption.ZMQ_IMMEDIATE, value ? 1 : 0);
    }

    /// <summary>ZMQ_LAST_ENDPOINT: the endpoint last bound or connected, with an ephemeral port resolved.</summary>
    public string LastEndpoint => GetString(ZmqOption.ZMQ_LAST_ENDPOINT, 1024);

    private static int ToMilliseconds(TimeSpan value)
    {
        if (value == Timeout.InfiniteTimeSpan)
            return -1;
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromMilliseconds(int.MaxValue));
        return (int)value.TotalMilliseconds;
    }

    private static TimeSpan FromMilliseconds(int value) =>
        value < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(value);

    private string GetCurveKey(ZmqOption option)
    {
        // Asked with room for 41 bytes, libzmq answers with the Z85 text and its terminating NUL.
        return GetString(option, 41);
    }

    private void SetCurveKey(ZmqOption option, string z85)
    {
        ArgumentNullException.ThrowIfNull(z85);
        if (z85.Length != 40)
            throw new ArgumentException($"A Z85 CURVE key has 40 characters, not {z85.Length}.", nameof(z85));
        SetBytes(option, Encoding.ASCII.GetBytes(z85));
    }

    private void SetCurveKey(ZmqOption option, ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
            throw new ArgumentException($"A binary CURVE key has 32 bytes, not {key.Length}.", nameof(key));
        SetBytes(option, key);
    }
}
