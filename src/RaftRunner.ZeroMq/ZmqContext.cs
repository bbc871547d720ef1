using RaftRunner.ZeroMq.Native;

namespace RaftRunner.ZeroMq;

/// <summary>
/// A libzmq context: its I/O threads and the sockets created from it. The context itself is thread-safe;
/// its sockets are not (see <see cref="ZmqSocket"/>).
/// </summary>
/// <remarks>
/// zmq_ctx_term blocks until every socket of the context is closed and, for each socket with a LINGER
/// other than 0, until its queued messages are sent or the linger period ends. So that <see cref="Dispose"/>
/// cannot hang: sockets are created with LINGER 0; the context remembers the sockets it created and
/// closes those still open; and before closing them it calls zmq_ctx_shutdown, which makes a call
/// blocked on another thread (receive, send, poll) return with <see cref="ZmqTerminatedException"/> so
/// that the socket is free to close. Only a socket whose LINGER was raised by its owner can still delay
/// Dispose, by at most that LINGER. There is no finalizer: terminating a context from the finalizer
/// thread could block it, so a context that is never disposed leaks its I/O threads instead.
/// </remarks>
public sealed class ZmqContext : IDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<ZmqSocket> _sockets = [];
    private readonly nint _handle;
    private bool _disposed;

    public ZmqContext()
    {
        ZmqLibrary.EnsureLoaded();
        _handle = LibZmq.zmq_ctx_new();
        if (_handle == 0)
            throw ZmqError.Last("zmq_ctx_new");
    }

    /// <summary>ZMQ_IO_THREADS (default 1). Takes effect only if set before the first socket is created.</summary>
    public int IoThreads
    {
        get => Get(ZmqContextOption.ZMQ_IO_THREADS);
        set => Set(ZmqContextOption.ZMQ_IO_THREADS, value);
    }

    /// <summary>ZMQ_MAX_SOCKETS (default 1023). Takes effect only if set before the first socket is created.</summary>
    public int MaxSockets
    {
        get => Get(ZmqContextOption.ZMQ_MAX_SOCKETS);
        set => Set(ZmqContextOption.ZMQ_MAX_SOCKETS, value);
    }

    /// <summary>
    /// Creates a socket owned by the calling thread, with LINGER 0 (unsent messages are dropped on close;
    /// raise <see cref="ZmqSocket.Linger"/> if they must be flushed, at the price of a slower Dispose).
    /// </summary>
    public ZmqSocket CreateSocket(ZmqSocketType type) => CreateSocket(type, threadChecked: true);

    internal ZmqSocket CreateSocket(ZmqSocketType type, bool threadChecked)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var socket = new ZmqSocket(this, _handle, type, threadChecked);
            _sockets.Add(socket);
            return socket;
        }
    }

    internal void Forget(ZmqSocket socket)
    {
        lock (_gate)
            _sockets.Remove(socket);
    }

    /// <summary>
    /// Interrupts blocked calls on this context's sockets, closes the sockets still open and terminates
    /// the context. May be called from any thread; calling it again does nothing.
    /// </summary>
    public void Dispose()
    {
        ZmqSocket[] open;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            open = [.. _sockets];
            _sockets.Clear();
        }

        LibZmq.zmq_ctx_shutdown(_handle);
        foreach (var socket in open)
            socket.CloseFromContext();
        // EINTR only means a signal arrived while waiting for sockets to close; the wait must go on.
        while (LibZmq.zmq_ctx_term(_handle) != 0 && ZmqError.LastErrno() == ZmqErrorCode.Interrupted)
        {
        }
    }

    private int Get(ZmqContextOption option)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var value = LibZmq.zmq_ctx_get(_handle, (int)option);
            return value >= 0 ? value : throw ZmqError.Last($"zmq_ctx_get({option})");
        }
    }

    private void Set(ZmqContextOption option, int value)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (LibZmq.zmq_ctx_set(_handle, (int)option, value) != 0)
                throw ZmqError.Last($"zmq_ctx_set({option}, {value})");
        }
    }
}
