using System.Text;
using RaftRunner.Actors;
using RaftRunner.Actors.TestKit;
using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Protocol.Messages;
using RaftRunner.ZeroMq;
using Xunit.Abstractions;
using static RaftRunner.Node.Tests.Bridge.BridgeTesting;

namespace RaftRunner.Node.Tests.Bridge;

/// <summary>Client requests from a raw DEALER, the replies to them, and everything the bridge must drop.</summary>
public sealed class ZmqBridgeActorClientTests(ITestOutputHelper output) : TestKit(output: output)
{
    [Fact]
    public void Every_client_request_type_arrives_decoded_and_every_reply_type_reaches_the_client()
    {
        using var context = new ZmqContext();
        var (bridge, probe, port) = Start();
        using var client = DealerTo(context, port);

        var config = Ask<RequestConfigRequest>(client, probe, new RequestConfigRequest(1).Encode(Secret), out var envelope);
        Assert.Equal(new RequestConfigRequest(1), config);
        Reply(bridge, client, envelope, new RequestConfigResponse(1, true, "A", [new PeerInfo("A", Url(port))]));

        var updateId = RequestId.New();
        var update = Ask<RequestUpdateRequest>(client, probe, new RequestUpdateRequest(updateId, Encoding.UTF8.GetBytes("set x=1")).Encode(Secret), out envelope);
        Assert.Equal(updateId, update.RequestId);
        Assert.Equal("set x=1", Encoding.UTF8.GetString(update.Data.Span));
        Reply(bridge, client, envelope, RequestUpdateResponse.Accepted(updateId));
        Reply(bridge, client, envelope, RequestUpdateResponse.Committed(updateId, 42));

        var entries = Ask<RequestEntriesRequest>(client, probe, new RequestEntriesRequest(2, 10, 5, 1024).Encode(Secret), out envelope);
        Assert.Equal(new RequestEntriesRequest(2, 10, 5, 1024), entries);
        var entry = LogEntry.Create(RequestId.New(), LogEntryType.State, 1, [1, 2, 3]);
        Reply(bridge, client, envelope, RequestEntriesResponse.Batch(2, last: true, 11, [entry], "A"));

        var logInfo = Ask<RequestLogInfoRequest>(client, probe, new RequestLogInfoRequest(3).Encode(Secret), out envelope);
        Assert.Equal(new RequestLogInfoRequest(3), logInfo);
        Reply(bridge, client, envelope, new RequestLogInfoResponse(3, true, "A", 2, 1, 11, 11, 12, 0, 0));

        var broadcastUrl = Ask<UrlRequest>(client, probe, UrlRequest.BroadcastStateUrl(4).Encode(Secret), out envelope);
        Assert.Equal(UrlRequest.BroadcastStateUrl(4), broadcastUrl);
        Reply(bridge, client, envelope, new UrlResponse(4, "tcp://127.0.0.1:8043"));
        Assert.Equal(UrlRequest.WebMonitorUrl(5), Ask<UrlRequest>(client, probe, UrlRequest.WebMonitorUrl(5).Encode(Secret), out envelope));
        Reply(bridge, client, envelope, new UrlResponse(5, null));

        var configId = RequestId.New();
        PeerInfo[] peers = [new("A", "tcp://127.0.0.1:1"), new("B", "tcp://127.0.0.1:2")];
        probe.ExpectNoMsg(TimeSpan.Zero);
        client.SendMultipart(new ConfigUpdateRequest(configId, peers).Encode(Secret));
        var configUpdate = probe.ExpectMsg<ClientRequestReceived>(Patience);
        var request = Assert.IsType<ConfigUpdateRequest>(configUpdate.Request);
        Assert.Equal(configId, request.RequestId);
        Assert.Equal(peers, request.Peers);
        Assert.Equal(JsonValues.PeersValue(peers), configUpdate.RawPeers);
        Reply(bridge, client, configUpdate.Envelope, new ConfigUpdateResponse(configId, ConfigUpdateStatus.Accepted));

        // An unreadable peer list is the leader's to answer (status 2): it arrives with its raw value.
        client.SendMultipart([configId.ToArray(), MessageTypes.Frame(MessageTypes.ConfigUpdate), Secret, MessagePackCodec.Encode(MessagePackValue.From("nonsense"))]);
        var badConfig = probe.ExpectMsg<ClientRequestReceived>(Patience);
        Assert.Empty(Assert.IsType<ConfigUpdateRequest>(badConfig.Request).Peers);
        Assert.Equal(MessagePackValue.From("nonsense"), badConfig.RawPeers);

        // Any other type, of two bytes or more or one byte zmq-raft does not know, is a ClientDispatch.
        var custom = Ask<ClientDispatchRequest>(client, probe, [new byte[] { 9 }, "kv"u8.ToArray(), Secret, "get"u8.ToArray(), "x"u8.ToArray()], out envelope);
        Assert.Equal("kv", Encoding.UTF8.GetString(custom.Type.Span));
        Assert.Equal(new[] { "get", "x" }, custom.Arguments.Select(a => Encoding.UTF8.GetString(a.Span)));
        Reply(bridge, client, envelope, new ClientDispatchResponse(new byte[] { 9 }, ["1"u8.ToArray()]));
        var oneByte = Ask<ClientDispatchRequest>(client, probe, [new byte[] { 10 }, "Z"u8.ToArray(), Secret], out _);
        Assert.Equal("Z", Encoding.UTF8.GetString(oneByte.Type.Span));
        Assert.Empty(oneByte.Arguments);
    }

    [Fact]
    public void A_request_with_the_wrong_secret_is_dropped()
    {
        using var context = new ZmqContext();
        var (_, probe, port) = Start();
        using var client = DealerTo(context, port);

        client.SendMultipart(new RequestConfigRequest(1).Encode("wrong"u8.ToArray()));
        client.SendMultipart(new RequestVoteRequest(1, "X", 1, 0, 0).Encode(ReadOnlyMemory<byte>.Empty));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(500));

        client.SendMultipart(new RequestConfigRequest(2).Encode(Secret));
        Assert.Equal(new RequestConfigRequest(2), probe.ExpectMsg<ClientRequestReceived>(Patience).Request);
    }

    [Fact]
    public void Garbage_is_dropped_and_the_bridge_works_afterwards()
    {
        using var context = new ZmqContext();
        var port = FreePort();
        var probe = CreateTestProbe();
        Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", port) with { MaxMessageSize = 8 << 20 }, probe));
        using var client = DealerTo(context, port);
        var id = B(1);
        var secret = (ReadOnlyMemory<byte>)Secret;

        ReadOnlyMemory<byte>[][] garbage =
        [
            [B()],                                                                   // one empty frame
            [id],                                                                    // no type, no secret
            [id, B(MessageTypes.RequestConfig)],                                     // no secret
            [id, B(), secret],                                                       // empty type
            [id, B(MessageTypes.RequestVote), secret],                               // no body
            [id, B(MessageTypes.RequestVote), secret, B(0xff, 0xfe), B(1), B(0), B(0)], // candidate id is not UTF-8
            [B(1, 2, 3, 4), B(MessageTypes.AppendEntries), secret, B(65), B(1), B(0), B(0), B(0)], // 4-byte message id
            [id, B(MessageTypes.AppendEntries), secret, B(65), B(1), B(0), B(0), B(0), new byte[5]], // entry shorter than its header
            [B(), B(MessageTypes.RequestConfig), secret],                            // empty request id
            [id, B(MessageTypes.RequestUpdate), secret, B(1, 2, 3)],                 // request id not 12 bytes
            [RequestId.New().ToArray(), B(MessageTypes.ConfigUpdate), secret, B(0xc1)], // not MessagePack
            [id, B(MessageTypes.RequestEntries), secret, new byte[9]],               // index longer than 8 bytes
            [id, B(MessageTypes.InstallSnapshot), secret, B(65), B(1), B(1), B(1), B(0), B(1), new byte[4 << 20]], // chunk runs past the size
            [id, B(MessageTypes.RequestVote), secret, new byte[6 << 20]],            // huge, and still wrong
        ];
        foreach (var message in garbage)
            client.SendMultipart(message);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(500));

        // Larger than MaxMessageSize: libzmq disconnects the sender, and nobody else notices.
        using (var flooder = DealerTo(context, port))
            flooder.SendMultipart([id, B(MessageTypes.RequestConfig), secret, new byte[9 << 20]]);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        client.SendMultipart(new RequestConfigRequest(5).Encode(Secret));
        Assert.Equal(new RequestConfigRequest(5), probe.ExpectMsg<ClientRequestReceived>(Patience).Request);
        using var another = DealerTo(context, port);
        another.SendMultipart(new RequestLogInfoRequest(6).Encode(Secret));
        Assert.Equal(new RequestLogInfoRequest(6), probe.ExpectMsg<ClientRequestReceived>(Patience).Request);
    }

    [Fact]
    public void A_reply_to_a_client_that_has_gone_and_messages_the_bridge_cannot_send_are_dropped()
    {
        using var context = new ZmqContext();
        var (bridge, probe, port) = Start();

        bridge.Tell(new ReplyToClient(new ClientEnvelope(new byte[] { 0, 1, 2, 3, 4 }), new UrlResponse(1, null)));
        bridge.Tell(new ReplyToClient(new ClientEnvelope(new byte[] { 0, 1, 2, 3, 4 }), "not a response"));
        bridge.Tell(new SendToPeer("B", new RequestConfigRequest(1)));
        bridge.Tell(new SendToPeer("B", default(AppendEntriesRequest)));   // null entries: cannot be encoded
        bridge.Tell(new SendToPeer("B", new AppendEntriesResponse(1, 1, false, ConflictTerm: 3)));
        bridge.Tell(new Publish([]));

        using var client = DealerTo(context, port);
        var request = Ask<RequestConfigRequest>(client, probe, new RequestConfigRequest(7).Encode(Secret), out var envelope);
        Assert.Equal(7u, request.RequestId);
        Reply(bridge, client, envelope, new RequestConfigResponse(7, false, null, null));
    }

    private static ReadOnlyMemory<byte> B(params byte[] bytes) => bytes;

    private (IActorRef Bridge, TestProbe Probe, int Port) Start()
    {
        var port = FreePort();
        var probe = CreateTestProbe();
        return (Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", port), probe)), probe, port);
    }

    private static T Ask<T>(ZmqSocket client, TestProbe probe, ReadOnlyMemory<byte>[] frames, out ClientEnvelope envelope)
    {
        client.SendMultipart(frames);
        var received = probe.ExpectMsg<ClientRequestReceived>(Patience);
        Assert.Null(received.RawPeers);
        envelope = received.Envelope;
        return Assert.IsType<T>(received.Request);
    }

    private static void Reply(IActorRef bridge, ZmqSocket client, ClientEnvelope envelope, object response)
    {
        bridge.Tell(new ReplyToClient(envelope, response));
        var expected = (ReadOnlyMemory<byte>[])response.GetType().GetMethod("Encode", Type.EmptyTypes)!.Invoke(response, null)!;
        AssertFrames(expected, Receive(client));
    }
}
