using RaftRunner.ZeroMq.Native;

namespace RaftRunner.ZeroMq;

/// <summary>
/// A ZeroMQ socket, created by <see cref="ZmqContext.CreateSocket"/>. Its options are in
/// ZmqSocket.Options.cs, sending and receiving in ZmqSocket.Messages.cs.
/// </summary>
/// <remarks>
/// <para>
/// ZeroMQ sockets are not thread-safe. A socket belongs to the thread that created it; hand it to
/// another thread by calling <see cref="TransferOwnership"/> on that thread once the previous owner has
/// stopped using it (the hand-over itself, e.g. a queue or Thread.Start, provides the memory barrier
/// libzmq asks for). With checks on (Debug builds, or RAFTRUNNER_ZMQ_CHECK_THREADS=1) any other use
/// throws <see cref="InvalidOperationException"/>.
/// </para>
/// <para>
/// <see cref="Dispose"/> is exempt from the check: the bridge's owner may stop on another thread than the
/// I/O loop, and closing is safe once the loop has stopped. If a call is still running on the owner
/// thread, zmq_close is deferred until that call returns.
/// </para>
/// </remarks>
public sealed partial class ZmqSocket : IDisposable
{
    private readonly ZmqContext _context;
    private readonly ZmqSocketHandle _handle;
    private readonly bool _threadChecked;
    private int _ownerThreadId;
    private volatile bool _closedByContext;

    internal ZmqSocket(ZmqContext context, nint contextHandle, ZmqSocketType type, bool threadChecked)
    {
        var socket = LibZmq.zmq_socket(contextHandle, (int)type);
        if (socket == 0)
            throw ZmqError.Last($"zmq_socket({type})");
        _handle = new ZmqSocketHandle(socket);
        _context = context;
        _threadChecked = threadChecked;
        _ownerThreadId = Environment.CurrentManagedThreadId;
        Type = type;
        SetInt32(ZmqOption.ZMQ_LINGER, 0);
    }

    public ZmqSocketType Type { get; }

    /// <summary>The managed thread id of the thread allowed to use this socket.</summary>
    public int OwnerThreadId => Volatile.Read(ref _ownerThreadId);

    public bool IsDisposed => _handle.IsClosed;

    internal ZmqContext Context => _context;

    /// <summary>
    /// Makes the calling thread the socket's owner. Call it on the new thread after the old owner has
    /// finished with the socket, e.g. when an actor creates its sockets and then starts its I/O thread.
    /// </summary>
    public void TransferOwnership()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        Volatile.Write(ref _ownerThreadId, Environment.CurrentManagedThreadId);
    }

    /// <summary>zmq_bind. <c>tcp://127.0.0.1:*</c> binds an ephemeral port; read it back from <see cref="LastEndpoint"/>.</summary>
    public void Bind(string endpoint) => EndpointCall(endpoint, "zmq_bind", static (s, e) => LibZmq.zmq_bind(s, e));

    public void Unbind(string endpoint) => EndpointCall(endpoint, "zmq_unbind", static (s, e) => LibZmq.zmq_unbind(s, e));

    /// <summary>zmq_connect. Returns at once: the connection is made (and remade) in the background.</summary>
    public void Connect(string endpoint) => EndpointCall(endpoint, "zmq_connect", static (s, e) => LibZmq.zmq_connect(s, e));

    public void Disconnect(string endpoint) => EndpointCall(endpoint, "zmq_disconnect", static (s, e) => LibZmq.zmq_disconnect(s, e));

    /// <summary>Closes the socket (zmq_close). May be called from any thread, any number of times.</summary>
    public void Dispose()
    {
        if (_handle.IsClosed)
            return;
        _handle.Dispose();
        _context.Forget(this);
    }

    internal void CloseFromContext()
    {
        _closedByContext = true;
        _handle.Dispose();
    }

    internal void StartMonitor(string endpoint, ZmqMonitorEvents events)
    {
        var socket = Enter();
        try
        {
            if (LibZmq.zmq_socket_monitor(socket, endpoint, (int)events) != 0)
                throw ZmqError.Last($"zmq_socket_monitor({endpoint})");
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Stops a monitor; called from disposal, so it skips the thread check and never throws.</summary>
    internal void StopMonitor()
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            LibZmq.zmq_socket_monitor(_handle.DangerousGetHandle(), null, 0);
        }
        catch (ObjectDisposedException)
        {
            // Closing the socket already stopped its monitor.
        }
        finally
        {
            if (added)
                _handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Checks the caller's thread and pins the handle for one native call: until <see cref="Exit"/>, a
    /// concurrent Dispose (from the context, say) defers zmq_close instead of freeing the socket under us.
    /// A socket the context closed reports <see cref="ZmqTerminatedException"/>, like a call that was
    /// blocked when the context went away, so an I/O loop has one exception to stop on.
    /// </summary>
    internal nint Enter()
    {
        if (_threadChecked && ThreadAffinity.Enabled)
            CheckThread();
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            if (_closedByContext)
                throw new ZmqTerminatedException($"The {Type} socket was closed because its ZmqContext was disposed.");
            throw new ObjectDisposedException(nameof(ZmqSocket));
        }
        return _handle.DangerousGetHandle();
    }

    internal void Exit() => _handle.DangerousRelease();

    private void CheckThread()
    {
        var current = Environment.CurrentManagedThreadId;
        var owner = Volatile.Read(ref _ownerThreadId);
        if (current != owner)
        {
            throw new InvalidOperationException(
                $"ZmqSocket used from thread {current} but owned by thread {owner}. " +
                "Call TransferOwnership() on the new thread to hand a socket over.");
        }
    }

    private void EndpointCall(string endpoint, string operation, Func<nint, string, int> call)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = Enter();
        try
        {
            if (call(socket, endpoint) != 0)
                throw ZmqError.Last($"{operation}({endpoint})");
        }
        finally
        {
            Exit();
        }
    }
}
