namespace RaftRunner.ZeroMq;

/// <summary>
/// The errno values libzmq reports, for comparison with <see cref="ZmqException.ErrorCode"/>. System
/// errors take the platform's values (EAGAIN is 11 on Linux and 35 on macOS; the Windows values are the
/// MSVC runtime's), libzmq's own errors are fixed offsets from ZMQ_HAUSNUMERO.
/// </summary>
public static class ZmqErrorCode
{
    private const int HausNumero = 156384712;

    /// <summary>EAGAIN: a non-blocking call would block, or a timeout (ZMQ_SNDTIMEO/ZMQ_RCVTIMEO) expired.</summary>
    public static int Again { get; } = Pick(linux: 11, macOS: 35, windows: 11);

    /// <summary>EINTR: a signal interrupted the call. The binding retries, callers never see it.</summary>
    public static int Interrupted { get; } = Pick(linux: 4, macOS: 4, windows: 4);

    /// <summary>ENOENT: unbind or disconnect of an endpoint that was not bound or connected.</summary>
    public static int NotFound { get; } = Pick(linux: 2, macOS: 2, windows: 2);

    /// <summary>EINVAL: bad argument, e.g. a malformed endpoint or option value.</summary>
    public static int InvalidArgument { get; } = Pick(linux: 22, macOS: 22, windows: 22);

    /// <summary>ENODEV: the endpoint names an interface or host that does not exist.</summary>
    public static int NoSuchDevice { get; } = Pick(linux: 19, macOS: 19, windows: 19);

    /// <summary>EMFILE: the process or the context ran out of sockets or file descriptors.</summary>
    public static int TooManyOpenFiles { get; } = Pick(linux: 24, macOS: 24, windows: 24);

    /// <summary>EADDRINUSE: the address is already bound.</summary>
    public static int AddressInUse { get; } = Pick(linux: 98, macOS: 48, windows: 100);

    /// <summary>EADDRNOTAVAIL: the address is not local.</summary>
    public static int AddressNotAvailable { get; } = Pick(linux: 99, macOS: 49, windows: 101);

    /// <summary>ECONNREFUSED.</summary>
    public static int ConnectionRefused { get; } = Pick(linux: 111, macOS: 61, windows: 107);

    /// <summary>EHOSTUNREACH: a ROUTER with ZMQ_ROUTER_MANDATORY has no peer with that routing id.</summary>
    public static int HostUnreachable { get; } = Pick(linux: 113, macOS: 65, windows: 110);

    /// <summary>EMSGSIZE.</summary>
    public static int MessageTooLong { get; } = Pick(linux: 90, macOS: 40, windows: 115);

    /// <summary>ENOTSOCK: the socket was already closed.</summary>
    public static int NotSocket { get; } = Pick(linux: 88, macOS: 38, windows: 128);

    /// <summary>ENOTSUP: the operation is not supported by this socket type or build (e.g. CURVE).</summary>
    public static int NotSupported { get; } = Pick(linux: 95, macOS: 45, windows: 129);

    /// <summary>EPROTONOSUPPORT: unknown transport in the endpoint.</summary>
    public static int ProtocolNotSupported { get; } = Pick(linux: 93, macOS: 43, windows: 135);

    /// <summary>EFSM: the operation is not valid in the socket's current state (REQ/REP ordering).</summary>
    public const int InvalidState = HausNumero + 51;

    /// <summary>ENOCOMPATPROTO: the transport does not suit the socket type.</summary>
    public const int NoCompatibleProtocol = HausNumero + 52;

    /// <summary>ETERM: the context is being terminated; reported as <see cref="ZmqTerminatedException"/>.</summary>
    public const int Terminated = HausNumero + 53;

    /// <summary>EMTHREAD: no I/O thread is available.</summary>
    public const int NoIoThread = HausNumero + 54;

    private static readonly Dictionary<int, string> s_names = new()
    {
        [Again] = "EAGAIN",
        [Interrupted] = "EINTR",
        [NotFound] = "ENOENT",
        [InvalidArgument] = "EINVAL",
        [NoSuchDevice] = "ENODEV",
        [TooManyOpenFiles] = "EMFILE",
        [AddressInUse] = "EADDRINUSE",
        [AddressNotAvailable] = "EADDRNOTAVAIL",
        [ConnectionRefused] = "ECONNREFUSED",
        [HostUnreachable] = "EHOSTUNREACH",
        [MessageTooLong] = "EMSGSIZE",
        [NotSocket] = "ENOTSOCK",
        [NotSupported] = "ENOTSUP",
        [ProtocolNotSupported] = "EPROTONOSUPPORT",
        [InvalidState] = "EFSM",
        [NoCompatibleProtocol] = "ENOCOMPATPROTO",
        [Terminated] = "ETERM",
        [NoIoThread] = "EMTHREAD",
    };

    /// <summary>The C name of an errno value ("EADDRINUSE"), or null when it is not one listed here.</summary>
    public static string? NameOf(int errorCode) => s_names.GetValueOrDefault(errorCode);

    private static int Pick(int linux, int macOS, int windows) =>
        OperatingSystem.IsWindows() ? windows
        : OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? macOS
        : linux;
}
