using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace RaftRunner.ZeroMq;

/// <summary>
/// Reports what happens to a socket's connections (zmq_socket_monitor): libzmq publishes events on a PAIR
/// socket bound to an inproc:// endpoint, and this class owns the PAIR that reads them.
/// </summary>
/// <remarks>
/// Create the monitor before the target binds or connects: events raised while no reader is connected
/// are dropped, as are events beyond the reader's high-water mark when nobody reads them. Use it on the
/// target's owner thread; <see cref="Socket"/> can be registered with a <see cref="ZmqPoller"/>.
/// </remarks>
public sealed class ZmqMonitor : IDisposable
{
    private static long s_nextEndpoint;

    private readonly ZmqSocket _target;
    private readonly ZmqSocket _reader;
    private readonly ZmqMessage _message = new();
    private TimeSpan _readerTimeout = Timeout.InfiniteTimeSpan;
    private bool _disposed;

    public ZmqMonitor(ZmqSocket target, ZmqMonitorEvents events = ZmqMonitorEvents.All)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        Endpoint = $"inproc://raftrunner-zmq-monitor-{Interlocked.Increment(ref s_nextEndpoint)}";
        target.StartMonitor(Endpoint, events);
        _reader = target.Context.CreateSocket(ZmqSocketType.Pair);
        try
        {
            _reader.Connect(Endpoint);
        }
        catch
        {
            _reader.Dispose();
            target.StopMonitor();
            throw;
        }
    }

    /// <summary>The inproc:// endpoint libzmq publishes the events on.</summary>
    public string Endpoint { get; }

    /// <summary>The PAIR socket the events arrive on, for registration with a <see cref="ZmqPoller"/>.</summary>
    public ZmqSocket Socket => _reader;

    /// <summary>Receives the next event, waiting up to <paramref name="timeout"/> (zero: only if one is waiting).</summary>
    public bool TryReceive([NotNullWhen(true)] out ZmqMonitorEvent? monitorEvent, TimeSpan timeout)
    {
        var flags = ZmqReceiveFlags.None;
        if (timeout == TimeSpan.Zero)
            flags = ZmqReceiveFlags.DontWait;
        else if (timeout != _readerTimeout)
            _reader.ReceiveTimeout = _readerTimeout = timeout;

        if (!_reader.TryReceiveMultipart(_message, flags))
        {
            monitorEvent = null;
            return false;
        }
        monitorEvent = Decode(_message);
        return true;
    }

    /// <summary>Decodes libzmq's two-frame event message: [uint16 event, uint32 value] in host byte order, then the endpoint.</summary>
    public static ZmqMonitorEvent Decode(IReadOnlyList<ReadOnlyMemory<byte>> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count != 2 || frames[0].Length != 6)
            throw new FormatException($"A monitor event has 2 frames, the first of 6 bytes; got {frames.Count} frames.");
        var head = frames[0].Span;
        var id = BitConverter.IsLittleEndian
            ? BinaryPrimitives.ReadUInt16LittleEndian(head)
            : BinaryPrimitives.ReadUInt16BigEndian(head);
        var value = BitConverter.IsLittleEndian
            ? BinaryPrimitives.ReadUInt32LittleEndian(head[2..])
            : BinaryPrimitives.ReadUInt32BigEndian(head[2..]);
        return new ZmqMonitorEvent((ZmqMonitorEvents)id, value, Encoding.UTF8.GetString(frames[1].Span));
    }

    /// <summary>Stops monitoring (unless the target is already closed) and closes the reader.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _target.StopMonitor();
        _reader.Dispose();
        _message.Dispose();
    }
}
