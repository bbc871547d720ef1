using System.Collections.Concurrent;
using RaftRunner.ZeroMq;

namespace RaftRunner.Client.Tests.Testing;

/// <summary>
/// A scripted zmq-raft peer: a ROUTER on 127.0.0.1 whose thread owns it and answers each request with whatever the
/// handler returns (the answers' frames, without the routing id; none to stay silent; an empty array pauses
/// <see cref="PauseLength"/> before the next answer). Requests are recorded.
/// </summary>
internal sealed class FakePeer : IDisposable
{
    private readonly ZmqContext _context = new();
    private readonly Func<ReadOnlyMemory<byte>[], IEnumerable<ReadOnlyMemory<byte>[]>> _handler;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _bound = new();
    private Exception? _failure;
    private volatile bool _stopping;

    public FakePeer(Func<ReadOnlyMemory<byte>[], IEnumerable<ReadOnlyMemory<byte>[]>> handler)
    {
        _handler = handler;
        Url = Ports.Url(Ports.Free(1)[0]);
        _thread = new Thread(Run) { IsBackground = true, Name = "fake peer" };
        _thread.Start();
        if (!_bound.Wait(TimeSpan.FromSeconds(5)) || _failure is not null)
            throw new InvalidOperationException($"the fake peer did not bind {Url}", _failure);
    }

    public static readonly TimeSpan PauseLength = TimeSpan.FromMilliseconds(100);

    /// <summary>An answer that is a pause of <see cref="PauseLength"/>.</summary>
    public static ReadOnlyMemory<byte>[] Pause => [];

    public string Url { get; }

    /// <summary>Every request received (frames after the routing id), in order.</summary>
    public ConcurrentQueue<ReadOnlyMemory<byte>[]> Requests { get; } = new();

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(5));
        _context.Dispose();
        _bound.Dispose();
    }

    private void Run()
    {
        try
        {
            using var router = _context.CreateSocket(ZmqSocketType.Router);
            router.ReceiveTimeout = TimeSpan.FromMilliseconds(20);
            router.Bind(Url);
            _bound.Set();
            using var message = new ZmqMessage();
            while (!_stopping)
            {
                if (!router.TryReceiveMultipart(message))
                    continue;
                var identity = message[0].ToArray();
                var request = message.Skip(1).Select(f => (ReadOnlyMemory<byte>)f.ToArray()).ToArray();
                Requests.Enqueue(request);
                foreach (var answer in _handler(request))
                {
                    if (answer.Length == 0)
                        Thread.Sleep(PauseLength);
                    else
                        router.TrySendMultipart([identity, .. answer], ZmqSendFlags.DontWait);
                }
            }
        }
        catch (Exception e) when (e is ZmqTerminatedException or ZmqException)
        {
            _failure = e;
            _bound.Set();
        }
    }
}
