using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.ZeroMq;

namespace RaftRunner.InteropTests;

/// <summary>
/// A tiny ROUTER that answers RequestConfig, RequestLogInfo and RequestUpdate with our encoders, as a leader
/// called <c>cs1</c> would, so zmq-raft's own client can be pointed at it. Its socket lives on its own thread.
/// Everything it decodes (and every decode error) is recorded for the test to inspect.
/// </summary>
internal sealed class MiniRouterServer : IDisposable
{
    public const string LeaderId = "cs1";
    public const ulong CommittedIndex = 7;

    private readonly byte[] _secret;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _ready = new();
    private volatile bool _stopping;
    private string? _endpoint;
    private Exception? _failure;

    public MiniRouterServer(string secret)
    {
        _secret = System.Text.Encoding.UTF8.GetBytes(secret);
        _thread = new Thread(Run) { IsBackground = true, Name = "mini-router" };
        _thread.Start();
        if (!_ready.Wait(TimeSpan.FromSeconds(10)) || _endpoint is null)
            throw new InvalidOperationException("the mini ROUTER did not start", _failure);
    }

    public string Endpoint => _endpoint!;

    public List<string> Received { get; } = [];

    public List<string> Errors { get; } = [];

    private void Run()
    {
        try
        {
            using var context = new ZmqContext();
            using var router = context.CreateSocket(ZmqSocketType.Router);
            router.ReceiveTimeout = TimeSpan.FromMilliseconds(50);
            router.Bind("tcp://127.0.0.1:*");
            _endpoint = router.LastEndpoint;
            _ready.Set();
            while (!_stopping)
            {
                if (!router.TryReceiveMultipart(out var message))
                    continue;
                using (message)
                    Handle(router, message);
            }
        }
        catch (Exception e)
        {
            _failure = e;
            _ready.Set();
        }
    }

    private void Handle(ZmqSocket router, ZmqMessage message)
    {
        var identity = message[0].ToArray();
        var frames = message.Skip(1).ToArray();
        if (!MessageHeader.TryRead(frames, out var header, out var error) || !header.SecretMatches(_secret))
        {
            lock (Errors) Errors.Add(error?.ToString() ?? "wrong secret");
            return;
        }
        ReadOnlyMemory<byte>[]? reply = null;
        switch (header.SingleByteType)
        {
            case MessageTypes.RequestConfig when RequestConfigRequest.TryDecode(frames, out var rc, out error):
                Record($"RequestConfig {rc.RequestId}");
                reply = new RequestConfigResponse(rc.RequestId, true, LeaderId, [new PeerInfo(LeaderId, Endpoint)]).Encode();
                break;
            case MessageTypes.RequestLogInfo when RequestLogInfoRequest.TryDecode(frames, out var li, out error):
                Record($"RequestLogInfo {li.RequestId}");
                reply = new RequestLogInfoResponse(li.RequestId, true, LeaderId, 3, 1, 6, 6, 6, 0, 0).Encode();
                break;
            case MessageTypes.RequestUpdate when RequestUpdateRequest.TryDecode(frames, out var ru, out error):
                Record($"RequestUpdate {ru.RequestId} {System.Text.Encoding.UTF8.GetString(ru.Data.Span)}");
                // First "accepted", then "committed": the two-step answer zmq-raft's clients must handle.
                router.SendMultipart([identity, .. RequestUpdateResponse.Accepted(ru.RequestId).Encode()]);
                reply = RequestUpdateResponse.Committed(ru.RequestId, CommittedIndex).Encode();
                break;
        }
        if (error is not null)
            lock (Errors) Errors.Add(error.ToString());
        if (reply is not null)
            router.SendMultipart([identity, .. reply]);
    }

    private void Record(string what)
    {
        lock (Received) Received.Add(what);
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(10));
        _ready.Dispose();
    }
}
