using RaftRunner.ZeroMq.Native;

namespace RaftRunner.ZeroMq;

/// <summary>
/// Waits on several sockets at once (zmq_poll) and can be woken from any thread by <see cref="Wake"/>,
/// so an I/O loop can sleep in <see cref="Poll"/> and still react promptly when another thread has
/// queued outbound work for it.
/// </summary>
/// <remarks>
/// The wake-up is a PAIR socket pair over inproc://, the receiving end polled as item 0 ahead of the
/// registered sockets. A PAIR pair rather than an eventfd or pipe because it works the same on every
/// platform libzmq runs on. The sending end is used under a lock from any thread (libzmq allows a socket
/// to move between threads behind a full memory barrier), and a flag coalesces wake-ups so a burst of
/// <see cref="Wake"/> calls sends one message. Use the poller on the thread that owns its sockets.
/// </remarks>
public sealed class ZmqPoller : IDisposable
{
    private static long s_nextWakeEndpoint;

    private readonly List<ZmqSocket> _sockets = [];
    private readonly List<ZmqPollEvents> _interests = [];
    private readonly PollItemArray _items = new();
    private ZmqPollEvents[] _returned = [];
    private readonly ZmqSocket _wakeReceiver;
    private readonly ZmqSocket _wakeSender;
    private readonly ZmqMessage _drain = new();
    private readonly Lock _wakeGate = new();
    private int _wakePending;
    private bool _disposed;

    public ZmqPoller(ZmqContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = $"inproc://raftrunner-zmq-wake-{Interlocked.Increment(ref s_nextWakeEndpoint)}";
        _wakeReceiver = context.CreateSocket(ZmqSocketType.Pair, threadChecked: false);
        _wakeSender = context.CreateSocket(ZmqSocketType.Pair, threadChecked: false);
        try
        {
            _wakeReceiver.Bind(endpoint);
            _wakeSender.Connect(endpoint);
        }
        catch
        {
            _wakeSender.Dispose();
            _wakeReceiver.Dispose();
            throw;
        }
    }

    /// <summary>How many sockets are registered.</summary>
    public int Count => _sockets.Count;

    /// <summary>Whether the last <see cref="Poll"/> returned because of <see cref="Wake"/>.</summary>
    public bool Woken { get; private set; }

    /// <summary>Registers a socket and returns its index for <see cref="ReturnedEvents"/>. Indexes after a removed socket shift down by one.</summary>
    public int Add(ZmqSocket socket, ZmqPollEvents events)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_sockets.Contains(socket))
            throw new ArgumentException("The socket is already registered.", nameof(socket));
        _sockets.Add(socket);
        _interests.Add(events);
        return _sockets.Count - 1;
    }

    /// <summary>Unregisters a socket; returns false if it was not registered.</summary>
    public bool Remove(ZmqSocket socket)
    {
        var index = _sockets.IndexOf(socket);
        if (index < 0)
            return false;
        _sockets.RemoveAt(index);
        _interests.RemoveAt(index);
        return true;
    }

    public int IndexOf(ZmqSocket socket) => _sockets.IndexOf(socket);

    /// <summary>What the last <see cref="Poll"/> found for the socket at <paramref name="index"/>.</summary>
    public ZmqPollEvents ReturnedEvents(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _sockets.Count);
        return index < _returned.Length ? _returned[index] : ZmqPollEvents.None;
    }

    /// <summary>
    /// Waits until a registered socket is ready, <see cref="Wake"/> is called, or the timeout passes
    /// (<see cref="Timeout.InfiniteTimeSpan"/> waits for ever, zero only looks). Returns how many
    /// registered sockets are ready. Throws <see cref="ZmqTerminatedException"/> when the context is disposed.
    /// </summary>
    public int Poll(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var timeoutMs = timeout == Timeout.InfiniteTimeSpan ? -1L : (long)Math.Min(timeout.TotalMilliseconds, int.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMs, -1L, nameof(timeout));

        var count = _sockets.Count;
        _items.EnsureCapacity(count + 1);
        if (_returned.Length < count)
            _returned = new ZmqPollEvents[Math.Max(count, _returned.Length * 2)];

        // Each socket is pinned (Enter) for the duration of zmq_poll: the items hold raw pointers, and a
        // concurrent Dispose must not free a socket libzmq is still polling.
        var entered = 0;
        try
        {
            _items.Set(0, _wakeReceiver.Enter(), ZmqPollEvents.In);
            entered++;
            for (var i = 0; i < count; i++)
            {
                _items.Set(i + 1, _sockets[i].Enter(), _interests[i]);
                entered++;
            }
            PollItems(count + 1, timeoutMs);
        }
        finally
        {
            if (entered > 0)
                _wakeReceiver.Exit();
            for (var i = 0; i < entered - 1; i++)
                _sockets[i].Exit();
        }

        var ready = 0;
        for (var i = 0; i < count; i++)
        {
            _returned[i] = _items.Revents(i + 1);
            if (_returned[i] != ZmqPollEvents.None)
                ready++;
        }
        Woken = (_items.Revents(0) & ZmqPollEvents.In) != 0;
        if (Woken)
            DrainWakeUps();
        return ready;
    }

    /// <summary>
    /// Makes a <see cref="Poll"/> in progress return, or the next one return at once. Callable from any
    /// thread; does nothing once the poller is disposed. Queue the work before calling it.
    /// </summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 1)
            return; // a wake-up is already on its way and will be seen after the work was queued
        lock (_wakeGate)
        {
            if (_disposed)
                return;
            try
            {
                // Not sent means the pipe is full of earlier wake-ups, which will wake the poller anyway.
                _wakeSender.TrySendFrame([], ZmqSendFlags.DontWait);
            }
            catch (Exception e) when (e is ZmqTerminatedException or ObjectDisposedException)
            {
                // The context is going away, and so is the poll loop.
            }
        }
    }

    /// <summary>Closes the wake-up sockets; the registered sockets stay open. Call on the polling thread.</summary>
    public void Dispose()
    {
        lock (_wakeGate)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        _wakeSender.Dispose();
        _wakeReceiver.Dispose();
        _drain.Dispose();
    }

    private void PollItems(int count, long timeoutMs)
    {
        var deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        while (_items.Poll(count, timeoutMs) < 0)
        {
            var errno = ZmqError.LastErrno();
            if (errno != ZmqErrorCode.Interrupted)
                throw ZmqError.Create("zmq_poll", errno);
            if (timeoutMs >= 0)
                timeoutMs = Math.Max(0, deadline - Environment.TickCount64);
        }
    }

    private void DrainWakeUps()
    {
        while (_wakeReceiver.TryReceiveMultipart(_drain, ZmqReceiveFlags.DontWait))
        {
        }
        // Cleared only after draining: a Wake that finds the flag still set relies on this poll's return,
        // and its work was queued before it looked. The exchange is a full fence, so the caller's next look
        // at its queue, after this Poll returns, sees that work.
        Interlocked.Exchange(ref _wakePending, 0);
    }
}
