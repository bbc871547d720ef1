using System.Diagnostics;
using System.Text;

namespace RaftRunner.ZeroMq.Tests;

/// <summary>Shared helpers: every receive in the tests is bounded by <see cref="Patience"/>.</summary>
internal static class Zmq
{
    internal const string AnyLoopbackPort = "tcp://127.0.0.1:*";

    /// <summary>The longest any single wait in a test may take before the test fails.</summary>
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    internal static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    internal static string Text(ReadOnlyMemory<byte> frame) => Encoding.UTF8.GetString(frame.Span);

    internal static ReadOnlyMemory<byte>[] Frames(params string[] parts) =>
        parts.Select(p => (ReadOnlyMemory<byte>)Bytes(p)).ToArray();

    internal static string[] Texts(ZmqMessage message) => message.Select(Text).ToArray();

    /// <summary>A socket whose blocking receives give up after <see cref="Patience"/>.</summary>
    internal static ZmqSocket Socket(ZmqContext context, ZmqSocketType type)
    {
        var socket = context.CreateSocket(type);
        socket.ReceiveTimeout = Patience;
        socket.SendTimeout = Patience;
        return socket;
    }

    /// <summary>A ROUTER bound to an ephemeral loopback port; returns the resolved endpoint.</summary>
    internal static ZmqSocket BoundRouter(ZmqContext context, out string endpoint)
    {
        var router = Socket(context, ZmqSocketType.Router);
        router.Bind(AnyLoopbackPort);
        endpoint = router.LastEndpoint;
        return router;
    }

    internal static ZmqMessage Receive(ZmqSocket socket)
    {
        Assert.True(socket.TryReceiveMultipart(out var message), $"no message within {Patience}");
        return message;
    }

    /// <summary>Reads monitor events until all of <paramref name="wanted"/> were seen or <see cref="Patience"/> passed.</summary>
    internal static List<ZmqMonitorEvent> CollectUntil(ZmqMonitor monitor, params ZmqMonitorEvents[] wanted)
    {
        var seen = new List<ZmqMonitorEvent>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 1000 && clock.Elapsed < Patience; i++)
        {
            if (wanted.All(w => seen.Any(e => e.Event == w)))
                break;
            if (monitor.TryReceive(out var monitorEvent, TimeSpan.FromMilliseconds(100)))
                seen.Add(monitorEvent);
        }
        return seen;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a new thread and waits for it at most <see cref="Patience"/>.
    /// Tests stay synchronous and use plain threads: a socket belongs to one thread, and awaiting would
    /// move the rest of a test to another.
    /// </summary>
    internal static Exception? RunOnOtherThread(Action action)
    {
        var thread = StartThread(action, out var result);
        Assert.True(thread.Join(Patience), "the other thread did not finish in time");
        return result();
    }

    /// <summary>Starts <paramref name="action"/> on a background thread; <paramref name="error"/> reads what it threw once joined.</summary>
    internal static Thread StartThread(Action action, out Func<Exception?> error)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true };
        thread.Start();
        error = () => failure;
        return thread;
    }
}
