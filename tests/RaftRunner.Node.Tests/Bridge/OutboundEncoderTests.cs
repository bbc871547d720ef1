using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Node.Tests.Bridge;

public sealed class OutboundEncoderTests
{
    private static readonly byte[] Secret = "s"u8.ToArray();

    [Fact]
    public void Requests_go_to_the_peers_DEALER_with_their_id_and_type()
    {
        var request = new InstallSnapshotRequest(12, "A", 2, 5, 1, 0, 3, new byte[3]);
        var command = Assert.IsType<PeerRequestOut>(Encode(new SendToPeer("B", request)));
        Assert.Equal(("B", 12u, MessageTypes.InstallSnapshot), (command.PeerId, command.MessageId, command.RequestType));
        BridgeTesting.AssertFrames(request.Encode(Secret), BridgeTesting.Copy(command.Frames));
    }

    [Fact]
    public void Answers_go_back_over_the_ROUTER()
    {
        var command = Assert.IsType<PeerAnswerOut>(Encode(new SendToPeer("B", new AppendEntriesResponse(3, 1, true))));
        Assert.Equal("B", command.PeerId);
        BridgeTesting.AssertFrames(new AppendEntriesResponse(3, 1, true).Encode(), BridgeTesting.Copy(command.Frames));
    }

    [Fact]
    public void Client_replies_start_with_the_identity()
    {
        var command = Assert.IsType<ClientReplyOut>(Encode(new ReplyToClient(new ClientEnvelope(new byte[] { 0, 9 }), new UrlResponse(4, "x"))));
        BridgeTesting.AssertFrames([new byte[] { 0, 9 }, .. new UrlResponse(4, "x").Encode()], BridgeTesting.Copy(command.Frames));
    }

    [Fact]
    public void Publications_and_peer_lists_pass_through()
    {
        Assert.IsType<PublishOut>(Encode(new Publish([Secret])));
        Assert.Equal([new PeerInfo("B", "u")], Assert.IsType<PeersOut>(Encode(new SetPeers([new PeerInfo("B", "u")]))).Peers);
    }

    [Theory]
    [MemberData(nameof(Unsendable))]
    public void What_cannot_be_sent_is_a_problem_to_log_never_an_exception(object message)
    {
        Assert.Null(OutboundEncoder.Encode(message, Secret, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    public static TheoryData<object> Unsendable() => new()
    {
        new SendToPeer("B", new RequestConfigRequest(1)),
        new SendToPeer("B", "text"),
        new SendToPeer("", new RequestVoteRequest(1, "A", 1, 0, 0)),
        new SendToPeer("B", default(AppendEntriesRequest)),
        new SendToPeer("B", new AppendEntriesResponse(1, 1, false, null, 3)),
        new SendToPeer("B", new RequestVoteRequest(1, "A", ulong.MaxValue, 0, 0)),
        new ReplyToClient(new ClientEnvelope(new byte[] { 1 }), new RequestVoteResponse(1, 1, true)),
        new ReplyToClient(new ClientEnvelope(new byte[] { 1 }), default(ClientDispatchResponse)),
        new Publish([]),
        42,
    };

    private static OutboundCommand? Encode(object message)
    {
        var command = OutboundEncoder.Encode(message, Secret, out var problem);
        Assert.Null(problem);
        return command;
    }
}
