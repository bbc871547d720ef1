namespace RaftRunner.ZeroMq.Native;

/// <summary>
/// A growable zmq_pollitem_t array in the platform's layout, so <see cref="ZmqPoller"/> need not know
/// which one applies. Items here are sockets only (fd = 0).
/// </summary>
internal sealed unsafe class PollItemArray
{
    private static readonly bool s_windows = OperatingSystem.IsWindows();
    private PollItem[] _items = [];
    private PollItemWindows[] _windowsItems = [];

    internal void EnsureCapacity(int count)
    {
        if (s_windows)
        {
            if (_windowsItems.Length < count)
                Array.Resize(ref _windowsItems, Math.Max(count, _windowsItems.Length * 2));
        }
        else if (_items.Length < count)
        {
            Array.Resize(ref _items, Math.Max(count, _items.Length * 2));
        }
    }

    internal void Set(int index, nint socket, ZmqPollEvents events)
    {
        if (s_windows)
            _windowsItems[index] = new PollItemWindows { Socket = socket, Events = (short)events };
        else
            _items[index] = new PollItem { Socket = socket, Events = (short)events };
    }

    internal ZmqPollEvents Revents(int index) =>
        (ZmqPollEvents)(s_windows ? _windowsItems[index].Revents : _items[index].Revents);

    /// <summary>zmq_poll over the first <paramref name="count"/> items; returns its raw result.</summary>
    internal int Poll(int count, long timeoutMilliseconds)
    {
        var timeout = new System.Runtime.InteropServices.CLong((nint)timeoutMilliseconds);
        if (s_windows)
        {
            fixed (PollItemWindows* items = _windowsItems)
                return LibZmq.zmq_poll(items, count, timeout);
        }
        fixed (PollItem* items = _items)
            return LibZmq.zmq_poll(items, count, timeout);
    }
}
