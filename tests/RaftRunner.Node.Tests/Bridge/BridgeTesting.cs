using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using RaftRunner.Actors.TestKit;
using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.ZeroMq;

namespace RaftRunner.Node.Tests.Bridge;

/// <summary>Shared helpers of the bridge tests: ports, settings, raw sockets, and waits that are always bounded.</summary>
internal static class BridgeTesting
{
    /// <summary>The longest any single wait in these tests may take before the test fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public static readonly byte[] Secret = Encoding.UTF8.GetBytes("bridge-test");

    /// <summary>Turns on ZmqSocket's thread-affinity check for this test assembly, as the ZeroMq tests do.</summary>
    [ModuleInitializer]
#pragma warning disable CA2255 // The initializer belongs to the test assembly: the check must be on before any socket is made.
    internal static void CheckSocketThreads() => Environment.SetEnvironmentVariable("RAFTRUNNER_ZMQ_CHECK_THREADS", "1");
#pragma warning restore CA2255

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Url(int port) => $"tcp://127.0.0.1:{port}";

    public static BridgeSettings Settings(string nodeId, int port, params PeerInfo[] peers) => new()
    {
        NodeId = nodeId,
        RouterBindUrl = Url(port),
        Secret = Secret,
        Peers = peers,
    };

    /// <summary>A socket on the calling thread whose blocking calls give up after <see cref="Patience"/>.</summary>
    public static ZmqSocket Socket(ZmqContext context, ZmqSocketType type)
    {
        var socket = context.CreateSocket(type);
        socket.ReceiveTimeout = Patience;
        socket.SendTimeout = Patience;
        return socket;
    }

    /// <summary>A ROUTER standing in for a peer, bound to an ephemeral loopback port.</summary>
    public static ZmqSocket FakePeer(ZmqContext context, out string url)
    {
        var router = Socket(context, ZmqSocketType.Router);
        router.Bind("tcp://127.0.0.1:*");
        url = router.LastEndpoint;
        return router;
    }

    public static ZmqSocket DealerTo(ZmqContext context, int port)
    {
        var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.Connect(Url(port));
        return dealer;
    }

    public static byte[][] Copy(ZmqMessage message) => message.Select(f => f.ToArray()).ToArray();

    public static byte[][] Copy(IEnumerable<ReadOnlyMemory<byte>> frames) => frames.Select(f => f.ToArray()).ToArray();

    /// <summary>Receives one message within <paramref name="timeout"/>, or null.</summary>
    public static byte[][]? TryReceive(ZmqSocket socket, TimeSpan timeout)
    {
        socket.ReceiveTimeout = timeout;
        try
        {
            if (!socket.TryReceiveMultipart(out var message))
                return null;
            using (message)
                return Copy(message);
        }
        finally
        {
            socket.ReceiveTimeout = Patience;
        }
    }

    public static byte[][] Receive(ZmqSocket socket) =>
        TryReceive(socket, Patience) ?? throw new Xunit.Sdk.XunitException($"no message within {Patience}");

    /// <summary>
    /// Repeats <paramref name="send"/> until <paramref name="probe"/> gets a <typeparamref name="T"/> matching
    /// <paramref name="isTheOne"/>. Peer DEALERs drop what is sent before their connection is up (ZMQ_IMMEDIATE),
    /// so the first message to a fresh peer has to be retried, as Raft would.
    /// </summary>
    public static T SendUntilReceived<T>(TestProbe probe, Action send, Predicate<T>? isTheOne = null) where T : class
    {
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < Patience)
        {
            send();
            foreach (var message in probe.ReceiveWhile(static m => m, max: TimeSpan.FromMilliseconds(100)))
            {
                if (message is T typed && (isTheOne is null || isTheOne(typed)))
                {
                    Settle(probe);
                    return typed;
                }
            }
        }
        throw new Xunit.Sdk.XunitException($"no {typeof(T).Name} within {Patience}");
    }

    /// <summary>As <see cref="SendUntilReceived{T}"/>, but what must arrive is a message on a raw socket.</summary>
    public static byte[][] SendUntilReceived(ZmqSocket socket, Action send)
    {
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < Patience)
        {
            send();
            if (TryReceive(socket, TimeSpan.FromMilliseconds(100)) is { } frames)
            {
                while (TryReceive(socket, TimeSpan.FromMilliseconds(150)) is not null)
                {
                    // Retries that were in flight: not what the test is about.
                }
                return frames;
            }
        }
        throw new Xunit.Sdk.XunitException($"nothing arrived within {Patience}");
    }

    /// <summary>Swallows what late retries still deliver, so the next expectation starts clean.</summary>
    public static void Settle(TestProbe probe) => probe.ReceiveWhile(static m => m, max: TimeSpan.FromSeconds(1), idle: TimeSpan.FromMilliseconds(150));

    public static void AssertFrames(IReadOnlyList<ReadOnlyMemory<byte>> expected, byte[][] actual)
    {
        Assert.Equal(expected.Count, actual.Length);
        for (var i = 0; i < actual.Length; i++)
            Assert.True(expected[i].Span.SequenceEqual(actual[i]), $"frame {i} differs: {Convert.ToHexString(expected[i].Span)} != {Convert.ToHexString(actual[i])}");
    }
}
