using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RaftRunner.Actors;
using RaftRunner.ZeroMq;
using ActorProps = RaftRunner.Actors.Props;

namespace RaftRunner.Node.Bridge;

/// <summary>
/// The node's only owner of ZeroMQ sockets. Inbound, it tells <c>node</c> <see cref="PeerRequestReceived"/>,
/// <see cref="PeerResponseReceived"/> and <see cref="ClientRequestReceived"/>; outbound, it takes
/// <see cref="SendToPeer"/>, <see cref="ReplyToClient"/>, <see cref="Publish"/> and <see cref="SetPeers"/>
/// (BridgeMessages.cs). The sockets live on a dedicated I/O thread (<see cref="BridgeLoop"/>); this actor
/// encodes outbound messages on its own turn and queues them there. Nothing the network sends, and nothing
/// the node asks to send, makes it fail: what cannot be decoded or sent is logged and dropped.
/// </summary>
/// <remarks>
/// Threads: the actor's fields belong to its turn; the sockets, the message-id map of each peer and the peers'
/// ROUTER identities belong to the I/O thread; the two share only the loop's queue (and its wake-up). The
/// context is created in <see cref="PreStart"/> and disposed in <see cref="PostStop"/>, which ends the loop.
/// </remarks>
public sealed class ZmqBridgeActor : ReceiveActor
{
    private static readonly TimeSpan LogWindow = TimeSpan.FromSeconds(10);

    private readonly BridgeSettings _settings;
    private readonly IActorRef _node;
    private readonly Action<Thread>? _onThreadStarted;
    private readonly LogThrottle _unsendableLog = new(10, LogWindow);
    private ILogger _log = NullLogger.Instance;
    private ZmqContext? _context;
    private BridgeLoop? _loop;

    private ZmqBridgeActor(BridgeSettings settings, IActorRef node, Action<Thread>? onThreadStarted)
    {
        _settings = settings;
        _node = node;
        _onThreadStarted = onThreadStarted;
        Receive<SendToPeer>(Send);
        Receive<ReplyToClient>(Send);
        Receive<Publish>(Send);
        Receive<SetPeers>(Send);
    }

    /// <summary>
    /// A bridge that binds and dials as <paramref name="settings"/> say and tells what arrives to
    /// <paramref name="node"/>. It fails to start (and stops) when its ROUTER or PUB cannot be bound.
    /// </summary>
    public static ActorProps Props(BridgeSettings settings, IActorRef node) => Props(settings, node, onThreadStarted: null);

    /// <summary>As <see cref="Props(BridgeSettings, IActorRef)"/>; tests see the I/O thread through <paramref name="onThreadStarted"/>.</summary>
    internal static ActorProps Props(BridgeSettings settings, IActorRef node, Action<Thread>? onThreadStarted)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(node);
        settings.Validate();
        return ActorProps.Create(() => new ZmqBridgeActor(settings, node, onThreadStarted));
    }

    protected override void PreStart()
    {
        _log = Context.GetLogger();
        _context = new ZmqContext();
        var loop = _loop = new BridgeLoop(_settings, _context, _node, Self, _log);
        loop.Start();
        _onThreadStarted?.Invoke(loop.Thread);
        // Binding takes milliseconds, but the actor must not block a pool thread for it: the task holds the
        // mailbox instead, so nothing is sent before the sockets exist, and a bind that fails fails the start.
        RunTask(async () =>
        {
            try
            {
                await loop.Started.WaitAsync(_settings.StartTimeout);
            }
            catch (Exception e)
            {
                BridgeLog.StartFailed(_log, e, _settings.NodeId);
                StopLoop();
                throw;
            }
        });
    }

    protected override void PostStop() => StopLoop();

    private void Send(object message)
    {
        if (_loop is not { } loop)
            return;
        if (OutboundEncoder.Encode(message, _settings.Secret, out var problem) is { } command)
            loop.Enqueue(command);
        else if (_unsendableLog.TryEnter(out var suppressed))
            BridgeLog.Unsendable(_log, problem!, BridgeLog.SuppressedNote(suppressed));
    }

    /// <summary>Context disposed → every socket call of the loop throws ZmqTerminatedException → the loop ends → the thread is joined.</summary>
    private void StopLoop()
    {
        var (loop, context) = (_loop, _context);
        (_loop, _context) = (null, null);
        loop?.RequestStop();
        context?.Dispose();
        if (loop is not null && !loop.Join(_settings.StopTimeout))
            BridgeLog.StopTimedOut(_log, _settings.NodeId, _settings.StopTimeout);
    }
}
