using System.Runtime.InteropServices;

namespace RaftRunner.ZeroMq.Native;

/// <summary>
/// Owns a libzmq socket pointer. Being a SafeHandle gives two guarantees the binding relies on: a socket
/// that is closed while a call on another thread is still using it (context disposal interrupting a
/// blocked receive) is only closed once that call has returned, and a leaked socket is still closed by
/// the finalizer. zmq_close never blocks (lingering happens in libzmq's reaper thread), so running it on
/// the finalizer thread is safe.
/// </summary>
internal sealed class ZmqSocketHandle : SafeHandle
{
    internal ZmqSocketHandle(nint socket) : base(0, ownsHandle: true) => SetHandle(socket);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => LibZmq.zmq_close(handle) == 0;
}
