using System.Runtime.InteropServices;

namespace RaftRunner.ZeroMq.Native;

/// <summary>Turns errno values into <see cref="ZmqException"/>s with the operation and zmq_strerror text.</summary>
internal static unsafe class ZmqError
{
    /// <summary>
    /// errno of the last failed libzmq call on this thread. Outside Windows libzmq uses the C runtime's
    /// errno, which the P/Invoke stub saved right after the call (SetLastError). On Windows libzmq may be
    /// linked to a different C runtime than ours, and only zmq_errno() reads the right one.
    /// </summary>
    internal static int LastErrno() =>
        OperatingSystem.IsWindows() ? LibZmq.zmq_errno() : Marshal.GetLastPInvokeError();

    internal static ZmqException Last(string operation) => Create(operation, LastErrno());

    internal static ZmqException Create(string operation, int errno)
    {
        var name = ZmqErrorCode.NameOf(errno) ?? $"errno {errno}";
        var message = $"{operation} failed: {StrError(errno)} ({name})";
        return errno == ZmqErrorCode.Terminated
            ? new ZmqTerminatedException(message)
            : new ZmqException(message, errno);
    }

    internal static string StrError(int errno)
    {
        var text = LibZmq.zmq_strerror(errno);
        return text == null ? "unknown error" : Marshal.PtrToStringUTF8((nint)text) ?? "unknown error";
    }
}
