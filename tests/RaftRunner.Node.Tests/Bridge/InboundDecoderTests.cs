using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Node.Tests.Bridge;

public sealed class InboundDecoderTests
{
    private static readonly byte[] Secret = "s"u8.ToArray();
    private static readonly byte[] Identity = [0, 1, 2, 3, 4];

    [Fact]
    public void Peer_requests_are_named_by_the_sender_in_their_body()
    {
        var vote = Decode(new RequestVoteRequest(1, "cand", 2, 3, 4).Encode(Secret));
        Assert.Equal(InboundKind.PeerRequest, vote.Kind);
        Assert.Equal("cand", vote.PeerId);
        Assert.Equal(new PeerRequestReceived("cand", new RequestVoteRequest(1, "cand", 2, 3, 4)), vote.Message);

        Assert.Equal("lead", Decode(new AppendEntriesRequest(1, "lead", 2, 0, 0, 0, []).Encode(Secret)).PeerId);
        Assert.Equal("snap", Decode(new InstallSnapshotRequest(1, "snap", 2, 5, 1, 0, 3, new byte[3]).Encode(Secret)).PeerId);
    }

    [Fact]
    public void Client_requests_carry_the_connection_identity()
    {
        var inbound = Decode(new RequestLogInfoRequest(9).Encode(Secret));
        Assert.Equal(InboundKind.Deliver, inbound.Kind);
        var received = Assert.IsType<ClientRequestReceived>(inbound.Message);
        Assert.True(received.Envelope.Identity.Span.SequenceEqual(Identity));
        Assert.Equal(new RequestLogInfoRequest(9), received.Request);
        Assert.Null(inbound.PeerId);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'Z' })]
    [InlineData(new byte[] { (byte)'k', (byte)'v' })]
    [InlineData(new byte[] { 0 })]
    public void Other_types_are_ClientDispatch(byte[] type)
    {
        var received = Assert.IsType<ClientRequestReceived>(Decode([FrameCodec.EncodeUInt(1), type, Secret, new byte[] { 42 }]).Message);
        var dispatch = Assert.IsType<ClientDispatchRequest>(received.Request);
        Assert.True(dispatch.Type.Span.SequenceEqual(type));
        Assert.Equal(42, Assert.Single(dispatch.Arguments).Span[0]);
    }

    [Fact]
    public void The_secret_is_checked_before_the_type_and_the_body()
    {
        Assert.Equal(InboundKind.Ignored, Decode(new RequestConfigRequest(1).Encode("t"u8.ToArray())).Kind);
        Assert.Equal(InboundKind.Ignored, Decode([FrameCodec.EncodeUInt(1), new byte[] { (byte)'?' }, "wrong"u8.ToArray()]).Kind);
        Assert.Equal(InboundKind.Ignored, Decode([FrameCodec.EncodeUInt(1), ReadOnlyMemory<byte>.Empty, Secret]).Kind);
    }

    [Fact]
    public void Too_few_frames_and_malformed_bodies_are_invalid_with_a_protocol_error()
    {
        var short_ = Decode([FrameCodec.EncodeUInt(1), new byte[] { (byte)'^' }]);
        Assert.Equal(InboundKind.Invalid, short_.Kind);
        Assert.Contains("at least 3 frames", short_.Error!.Reason, StringComparison.Ordinal);

        var vote = Decode([FrameCodec.EncodeUInt(1), new byte[] { (byte)'?' }, Secret]);
        Assert.Equal(InboundKind.Invalid, vote.Kind);
        Assert.Equal("RequestVote request: expected at least 7 frames but got 3", vote.Error!.ToString());

        Assert.Equal(InboundKind.Invalid, Decode([new byte[4], new byte[] { (byte)'+' }, Secret, "a"u8.ToArray(), new byte[1], new byte[1], new byte[1], new byte[1]]).Kind);
        Assert.Equal(InboundKind.Invalid, Decode([new byte[] { 1 }, new byte[] { (byte)'=' }, Secret, new byte[1]]).Kind);
    }

    [Fact]
    public void Screen_reads_the_identity_first_and_lets_good_messages_through()
    {
        ReadOnlyMemory<byte>[] message = [Identity, .. new RequestConfigRequest(1).Encode(Secret)];
        Assert.Null(InboundDecoder.Screen(message, Secret));
        Assert.Equal(InboundKind.Invalid, InboundDecoder.Screen([Identity], Secret)!.Value.Kind);
        Assert.Equal(InboundKind.Ignored, InboundDecoder.Screen([Identity, .. new RequestConfigRequest(1).Encode(default)], Secret)!.Value.Kind);
    }

    [Fact]
    public void Answers_are_decoded_by_the_request_type()
    {
        var answer = InboundDecoder.DecodeAnswer("B", MessageTypes.AppendEntries, new AppendEntriesResponse(5, 2, false, 9).Encode());
        Assert.Equal(new PeerResponseReceived("B", new AppendEntriesResponse(5, 2, false, 9)), answer.Message);
        Assert.Equal(new RequestVoteResponse(5, 2, false), ((PeerResponseReceived)InboundDecoder.DecodeAnswer("B", MessageTypes.RequestVote, new RequestVoteResponse(5, 2, false).Encode()).Message!).Response);
        Assert.Equal(InboundKind.Invalid, InboundDecoder.DecodeAnswer("B", MessageTypes.InstallSnapshot, [FrameCodec.EncodeUInt(5)]).Kind);
        Assert.Equal(InboundKind.Ignored, InboundDecoder.DecodeAnswer("B", MessageTypes.RequestConfig, [FrameCodec.EncodeUInt(5)]).Kind);
    }

    [Theory]
    [InlineData(new byte[] { 1 }, 1u)]
    [InlineData(new byte[] { 0x56, 0x34, 0x12 }, 0x123456u)]
    [InlineData(new byte[] { 0, 1 }, 256u)]
    public void Message_ids_are_1_to_3_bytes_least_significant_first(byte[] frame, uint expected)
    {
        Assert.True(InboundDecoder.TryReadMessageId(frame, out var id));
        Assert.Equal(expected, id);
    }

    [Fact]
    public void Message_ids_of_0_or_4_bytes_are_refused()
    {
        Assert.False(InboundDecoder.TryReadMessageId([], out _));
        Assert.False(InboundDecoder.TryReadMessageId([1, 2, 3, 4], out _));
    }

    private static Inbound Decode(ReadOnlyMemory<byte>[] body) => InboundDecoder.DecodeRequest(Identity, body, Secret);
}
