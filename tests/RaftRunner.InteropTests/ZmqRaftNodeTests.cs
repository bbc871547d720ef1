using System.Text.Json;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.ZeroMq;

namespace RaftRunner.InteropTests;

/// <summary>
/// Our DEALER, our encoders and decoders against a real zmq-raft node (bin/zmq-raft.js, one peer, which
/// elects itself): RequestConfig, RequestLogInfo and RequestUpdate, answered by zmq-raft itself.
/// </summary>
public sealed class ZmqRaftNodeTests(ZmqRaftInstallation zmqRaft) : IClassFixture<ZmqRaftInstallation>, IDisposable
{
    private const string Secret = "interop-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("zmq-raft-node-").FullName;

    [Fact]
    public void A_zmq_raft_node_answers_our_RequestConfig_RequestLogInfo_and_RequestUpdate()
    {
        var port = FreePort.Next();
        var url = $"tcp://127.0.0.1:{port}";
        using var node = StartNode(port);
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);
        dealer.ReceiveTimeout = TimeSpan.FromMilliseconds(500);
        dealer.Connect(url);
        ReadOnlyMemory<byte> secret = System.Text.Encoding.UTF8.GetBytes(Secret);

        // RequestConfig until the single peer has elected itself (bounded by Patience).
        var config = Repeat(() =>
        {
            var requestId = NextId();
            dealer.SendMultipart(new RequestConfigRequest(requestId).Encode(secret));
            return Receive(dealer, (IReadOnlyList<ReadOnlyMemory<byte>> f, out RequestConfigResponse r, out ProtocolError? e) => RequestConfigResponse.TryDecode(f, out r, out e)) is { IsLeader: true } answer
                   && answer.RequestId == requestId ? answer : (RequestConfigResponse?)null;
        }, node);
        Assert.Equal("local", config.LeaderId);
        Assert.Equal([new PeerInfo("local", url)], config.Peers);

        var infoId = NextId();
        dealer.SendMultipart(new RequestLogInfoRequest(infoId).Encode(secret));
        var info = Receive(dealer, (IReadOnlyList<ReadOnlyMemory<byte>> f, out RequestLogInfoResponse r, out ProtocolError? e) => RequestLogInfoResponse.TryDecode(f, out r, out e))
            ?? throw new Xunit.Sdk.XunitException($"no RequestLogInfo answer; node said: {node.StandardOutput}{node.StandardError}");
        Assert.Equal(infoId, info.RequestId);
        Assert.True(info.IsLeader);
        Assert.Equal("local", info.LeaderId);
        Assert.True(info.CurrentTerm >= 1);

        // RequestUpdate: zmq-raft may answer "accepted" first, then "committed" with the index.
        var reqid = RequestId.New();
        dealer.SendMultipart(new RequestUpdateRequest(reqid, "hello from C#"u8.ToArray()).Encode(secret));
        var committed = Repeat(() => Receive(dealer, (IReadOnlyList<ReadOnlyMemory<byte>> f, out RequestUpdateResponse r, out ProtocolError? e) => RequestUpdateResponse.TryDecode(f, out r, out e))
            is { Outcome: RequestUpdateOutcome.Committed } c ? c : (RequestUpdateResponse?)null, node);
        Assert.Equal(reqid, committed.RequestId);
        Assert.True(committed.Index > info.LastIndex, $"committed at {committed.Index}, the log ended at {info.LastIndex}");

        // The same request again is idempotent: the original index comes back.
        dealer.SendMultipart(new RequestUpdateRequest(reqid, "hello from C#"u8.ToArray()).Encode(secret));
        var repeat = Repeat(() => Receive(dealer, (IReadOnlyList<ReadOnlyMemory<byte>> f, out RequestUpdateResponse r, out ProtocolError? e) => RequestUpdateResponse.TryDecode(f, out r, out e))
            is { Outcome: RequestUpdateOutcome.Committed } c ? c : (RequestUpdateResponse?)null, node);
        Assert.Equal(committed.Index, repeat.Index);
    }

    [Fact]
    public void A_request_with_the_wrong_secret_gets_no_answer_from_zmq_raft()
    {
        var port = FreePort.Next();
        using var node = StartNode(port);
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);
        dealer.ReceiveTimeout = TimeSpan.FromMilliseconds(300);
        dealer.Connect($"tcp://127.0.0.1:{port}");
        dealer.SendMultipart(new RequestConfigRequest(1).Encode("wrong"u8.ToArray()));
        Assert.False(dealer.TryReceiveMultipart(out _), "zmq-raft answered a request with the wrong cluster ident");
        // ... while the right secret is answered (the node is up).
        dealer.ReceiveTimeout = TimeSpan.FromSeconds(5);
        dealer.SendMultipart(new RequestConfigRequest(2).Encode(System.Text.Encoding.UTF8.GetBytes(Secret)));
        Assert.True(dealer.TryReceiveMultipart(out var answer), $"no answer to the right secret; node said: {node.StandardOutput}{node.StandardError}");
        using (answer)
            Assert.True(RequestConfigResponse.TryDecode(answer, out var config, out var error), error?.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort: the node may still hold a file for a moment
        }
    }

    private ChildProcess StartNode(int port)
    {
        var configFile = Path.Combine(_dataDir, "config.json");
        var broadcast = FreePort.Next();
        var config = new
        {
            raft = new
            {
                id = "local",
                secret = Secret,
                label = "interop",
                peers = new[] { new { id = "local", url = $"tcp://127.0.0.1:{port}" } },
                data = new { path = Path.Combine(_dataDir, "data"), appendIdToPath = false, raft = "raft.pers", log = "log", snapshot = "snap", state = "state.pers", compact = new { install = "compact/snap.new", watch = false } },
                router = new { bind = $"tcp://127.0.0.1:{port}" },
                broadcast = new { url = $"tcp://127.0.0.1:{broadcast}", bind = $"tcp://127.0.0.1:{broadcast}" },
                webmonitor = new { enable = false },
            },
        };
        File.WriteAllText(configFile, JsonSerializer.Serialize(config));
        var node = ChildProcess.Start("node", [zmqRaft.ServerScript, "-c", configFile], _dataDir);
        if (!node.WaitForOutput("server listening at", Patience))
        {
            node.Dispose();
            throw new Xunit.Sdk.XunitException($"zmq-raft did not start: {node.StandardOutput}{node.StandardError}");
        }
        return node;
    }

    private static uint _nextId;

    private static uint NextId() => Interlocked.Increment(ref _nextId);

    private delegate bool Decoder<T>(IReadOnlyList<ReadOnlyMemory<byte>> frames, out T value, out ProtocolError? error);

    /// <summary>One message decoded as <typeparamref name="T"/>, or null when none arrives within the socket's receive timeout.</summary>
    private static T? Receive<T>(ZmqSocket dealer, Decoder<T> decode) where T : struct
    {
        if (!dealer.TryReceiveMultipart(out var message))
            return null;
        using (message)
        {
            Assert.True(decode(message, out var value, out var error), $"could not decode zmq-raft's answer: {error}");
            return value;
        }
    }

    private static T Repeat<T>(Func<T?> attempt, ChildProcess node) where T : struct
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (attempt() is { } result)
                return result;
        }
        throw new Xunit.Sdk.XunitException($"no satisfying answer from zmq-raft within {Patience}; node said: {node.StandardOutput}{node.StandardError}");
    }
}
