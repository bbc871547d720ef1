using System.Runtime.InteropServices;

namespace RaftRunner.ZeroMq.Native;

/// <summary>
/// The libzmq 4.3 entry points this binding uses, declared as in zmq.h so they can be checked against it
/// line by line. Calls that can fail set SetLastError because the runtime may overwrite errno between the
/// native return and a later zmq_errno() call (see <see cref="ZmqError.LastErrno"/>).
/// </summary>
internal static unsafe partial class LibZmq
{
    internal const string Name = "libzmq";

    // A class with an explicit static constructor is initialised before its first method call, so the
    // resolver is in place before the runtime binds any of the imports below.
    static LibZmq() => ZmqLibrary.RegisterResolver();

    [LibraryImport(Name)]
    internal static partial void zmq_version(out int major, out int minor, out int patch);

    [LibraryImport(Name)]
    internal static partial int zmq_errno();

    [LibraryImport(Name)]
    internal static partial byte* zmq_strerror(int errnum);

    [LibraryImport(Name, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int zmq_has(string capability);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial nint zmq_ctx_new();

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_ctx_term(nint context);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_ctx_shutdown(nint context);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_ctx_set(nint context, int option, int value);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_ctx_get(nint context, int option);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial nint zmq_socket(nint context, int type);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_close(nint socket);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_setsockopt(nint socket, int option, void* value, nuint length);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_getsockopt(nint socket, int option, void* value, nuint* length);

    [LibraryImport(Name, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int zmq_bind(nint socket, string endpoint);

    [LibraryImport(Name, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int zmq_unbind(nint socket, string endpoint);

    [LibraryImport(Name, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int zmq_connect(nint socket, string endpoint);

    [LibraryImport(Name, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int zmq_disconnect(nint socket, string endpoint);

    /// <summary>Copies the buffer into a new message (zmq_msg_init_size + memcpy + zmq_msg_send in one call).</summary>
    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_send(nint socket, void* buffer, nuint length, int flags);

    [LibraryImport(Name, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int zmq_socket_monitor(nint socket, string? endpoint, int events);

    [LibraryImport(Name)]
    internal static partial int zmq_msg_init(ZmqMsg* message);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_msg_recv(ZmqMsg* message, nint socket, int flags);

    [LibraryImport(Name)]
    internal static partial int zmq_msg_close(ZmqMsg* message);

    // The three accessors below only read fields of the message; they never block, call back or touch
    // errno, which is what SuppressGCTransition requires. They run once per received frame.
    [LibraryImport(Name)]
    [SuppressGCTransition]
    internal static partial void* zmq_msg_data(ZmqMsg* message);

    [LibraryImport(Name)]
    [SuppressGCTransition]
    internal static partial nuint zmq_msg_size(ZmqMsg* message);

    [LibraryImport(Name)]
    [SuppressGCTransition]
    internal static partial int zmq_msg_more(ZmqMsg* message);

    /// <summary>The timeout is a C long: 64 bits on Linux and macOS x64, 32 bits on Windows.</summary>
    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_poll(void* items, int count, CLong timeoutMilliseconds);

    [LibraryImport(Name)]
    internal static partial byte* zmq_z85_encode(byte* destination, byte* data, nuint size);

    [LibraryImport(Name)]
    internal static partial byte* zmq_z85_decode(byte* destination, byte* text);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_curve_keypair(byte* publicKeyZ85, byte* secretKeyZ85);

    [LibraryImport(Name, SetLastError = true)]
    internal static partial int zmq_curve_public(byte* publicKeyZ85, byte* secretKeyZ85);
}
