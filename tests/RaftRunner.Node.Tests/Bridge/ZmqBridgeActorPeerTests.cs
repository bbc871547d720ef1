using System.Security.Cryptography;
using RaftRunner.Actors;
using RaftRunner.Actors.TestKit;
using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.Messages;
using RaftRunner.ZeroMq;
using Xunit.Abstractions;
using static RaftRunner.Node.Tests.Bridge.BridgeTesting;

namespace RaftRunner.Node.Tests.Bridge;

/// <summary>Peer RPCs between bridges, and between a bridge and a raw ROUTER standing in for a peer.</summary>
public sealed class ZmqBridgeActorPeerTests(ITestOutputHelper output) : TestKit(output: output)
{
    [Fact]
    public void A_RequestVote_and_its_answer_travel_between_two_bridges()
    {
        var (a, probeA, b, probeB) = StartPair();
        var request = new RequestVoteRequest(1, "A", Term: 5, LastLogIndex: 10, LastLogTerm: 4);

        var received = SendUntilReceived<PeerRequestReceived>(probeB, () => a.Tell(new SendToPeer("B", request)));
        Assert.Equal("A", received.PeerId);
        Assert.Equal(request, received.Request);
        Assert.Equal(b, probeB.LastSender);

        b.Tell(new SendToPeer("A", new RequestVoteResponse(1, 5, VoteGranted: true)));
        var answer = probeA.ExpectMsg<PeerResponseReceived>(Patience);
        Assert.Equal("B", answer.PeerId);
        Assert.Equal(new RequestVoteResponse(1, 5, true), answer.Response);
        Assert.Equal(a, probeA.LastSender);
    }

    [Fact]
    public void AppendEntries_with_entries_and_an_InstallSnapshot_chunk_arrive_byte_for_byte_and_so_do_their_answers()
    {
        var (a, probeA, b, probeB) = StartPair();
        SendUntilReceived<PeerRequestReceived>(probeB, () => a.Tell(new SendToPeer("B", new AppendEntriesRequest(1, "A", 2, 0, 0, 0, []))));
        b.Tell(new SendToPeer("A", new AppendEntriesResponse(1, 2, true)));
        probeA.ExpectMsg<PeerResponseReceived>(Patience);

        LogEntry[] entries =
        [
            LogEntry.Create(RequestId.New(), LogEntryType.State, 3, RandomNumberGenerator.GetBytes(100)),
            LogEntry.Create(RequestId.New(), LogEntryType.Checkpoint, 3, LogEntry.CheckpointData.Span),
            LogEntry.Create(RequestId.New(), LogEntryType.State, 3, []),
            LogEntry.Create(RequestId.New(), LogEntryType.State, 3, RandomNumberGenerator.GetBytes(300_000)),
        ];
        var append = new AppendEntriesRequest(0x123456, "A", 3, 41, 2, 40, entries);
        a.Tell(new SendToPeer("B", append));
        var got = Assert.IsType<AppendEntriesRequest>(probeB.ExpectMsg<PeerRequestReceived>(Patience).Request);
        Assert.Equal((append.MessageId, append.LeaderId, append.Term, append.PrevLogIndex, append.PrevLogTerm, append.CommitIndex),
            (got.MessageId, got.LeaderId, got.Term, got.PrevLogIndex, got.PrevLogTerm, got.CommitIndex));
        Assert.Equal(entries.Length, got.Entries.Count);
        for (var i = 0; i < entries.Length; i++)
            Assert.True(entries[i].Raw.Span.SequenceEqual(got.Entries[i].Raw.Span), $"entry {i} differs");

        var chunk = RandomNumberGenerator.GetBytes(64 * 1024);
        var install = new InstallSnapshotRequest(77, "A", 3, 1000, 2, 65536, 200_000, chunk);
        a.Tell(new SendToPeer("B", install));
        var gotInstall = Assert.IsType<InstallSnapshotRequest>(probeB.ExpectMsg<PeerRequestReceived>(Patience).Request);
        Assert.Equal(install with { Chunk = default }, gotInstall with { Chunk = default });
        Assert.True(chunk.AsSpan().SequenceEqual(gotInstall.Chunk.Span));

        b.Tell(new SendToPeer("A", new AppendEntriesResponse(0x123456, 3, false, ConflictIndex: 30, ConflictTerm: 2)));
        b.Tell(new SendToPeer("A", new InstallSnapshotResponse(77, 3, NextOffset: 131072)));
        Assert.Equal(new PeerResponseReceived("B", new AppendEntriesResponse(0x123456, 3, false, 30, 2)), probeA.ExpectMsg<PeerResponseReceived>(Patience));
        Assert.Equal(new PeerResponseReceived("B", new InstallSnapshotResponse(77, 3, 131072)), probeA.ExpectMsg<PeerResponseReceived>(Patience));
    }

    [Fact]
    public void An_answer_is_decoded_by_the_type_of_the_request_sent_with_its_id_and_unknown_or_repeated_ids_are_dropped()
    {
        using var context = new ZmqContext();
        using var peer = FakePeer(context, out var peerUrl);
        var probe = CreateTestProbe();
        var bridge = Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", FreePort(), new PeerInfo("P", peerUrl)), probe));

        var vote = new RequestVoteRequest(7, "A", 9, 0, 0);
        var sent = SendUntilReceived(peer, () => bridge.Tell(new SendToPeer("P", vote)));
        var identity = sent[0];
        AssertFrames(vote.Encode(Secret), sent[1..]);
        bridge.Tell(new SendToPeer("P", new AppendEntriesRequest(9, "A", 9, 0, 0, 0, [])));
        Receive(peer);

        peer.SendMultipart([identity, FrameCodec.EncodeUInt(8), FrameCodec.EncodeUInt(9), FrameCodec.EncodeBool(true)]);   // never sent
        peer.SendMultipart([identity, new byte[] { 7, 0, 0, 0 }, FrameCodec.EncodeUInt(9), FrameCodec.EncodeBool(true)]); // 4-byte id
        peer.SendMultipart([identity, FrameCodec.EncodeUInt(9)]);                                                         // too short for an AppendEntries answer
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        peer.SendMultipart([identity, FrameCodec.EncodeUInt(7), FrameCodec.EncodeUInt(9), FrameCodec.EncodeBool(true)]);
        Assert.Equal(new PeerResponseReceived("P", new RequestVoteResponse(7, 9, true)), probe.ExpectMsg<PeerResponseReceived>(Patience));

        // Answered ids are forgotten, and so is the malformed answer's id 9.
        peer.SendMultipart([identity, FrameCodec.EncodeUInt(7), FrameCodec.EncodeUInt(9), FrameCodec.EncodeBool(true)]);
        peer.SendMultipart([identity, FrameCodec.EncodeUInt(9), FrameCodec.EncodeUInt(9), FrameCodec.EncodeBool(true)]);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void An_answer_goes_back_over_the_connection_the_peers_request_came_on_and_is_dropped_without_one()
    {
        using var context = new ZmqContext();
        var port = FreePort();
        var probe = CreateTestProbe();
        var bridge = Sys.ActorOf(ZmqBridgeActor.Props(Settings("B", port), probe));

        bridge.Tell(new SendToPeer("Z", new RequestVoteResponse(1, 1, true)));   // Z never asked: dropped, reaches no one
        using var peerDealer = DealerTo(context, port);
        var request = new RequestVoteRequest(3, "A", 4, 0, 0);
        peerDealer.SendMultipart(request.Encode(Secret));
        Assert.Equal(new PeerRequestReceived("A", request), probe.ExpectMsg<PeerRequestReceived>(Patience));
        Assert.Null(TryReceive(peerDealer, TimeSpan.FromMilliseconds(200)));

        bridge.Tell(new SendToPeer("A", new RequestVoteResponse(3, 4, false)));
        AssertFrames(new RequestVoteResponse(3, 4, false).Encode(), Receive(peerDealer));
    }

    [Fact]
    public void SetPeers_opens_DEALERs_to_added_peers_and_closes_those_of_removed_ones()
    {
        using var context = new ZmqContext();
        using var first = FakePeer(context, out var firstUrl);
        using var second = FakePeer(context, out var secondUrl);
        var bridge = Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", FreePort()), CreateTestProbe()));
        var vote = new RequestVoteRequest(1, "A", 1, 0, 0);
        var toFirst = new SendToPeer("P1", vote);
        var toSecond = new SendToPeer("P2", new RequestVoteRequest(2, "A", 1, 0, 0));

        bridge.Tell(toSecond);   // not a peer yet
        bridge.Tell(new SetPeers([new PeerInfo("A", "tcp://127.0.0.1:1"), new PeerInfo("P1", firstUrl)]));
        AssertFrames(vote.Encode(Secret), SendUntilReceived(first, () => bridge.Tell(toFirst))[1..]);
        Assert.Null(TryReceive(second, TimeSpan.FromMilliseconds(200)));

        bridge.Tell(new SetPeers([new PeerInfo("P2", secondUrl)]));
        SendUntilReceived(second, () => bridge.Tell(toSecond));
        for (var i = 0; i < 5; i++)
            bridge.Tell(toFirst);
        Assert.Null(TryReceive(first, TimeSpan.FromMilliseconds(300)));

        // A peer whose url changes gets a new DEALER to the new url.
        bridge.Tell(new SetPeers([new PeerInfo("P2", firstUrl)]));
        SendUntilReceived(first, () => bridge.Tell(toSecond));
        Assert.Null(TryReceive(second, TimeSpan.FromMilliseconds(200)));
    }

    private (IActorRef A, TestProbe ProbeA, IActorRef B, TestProbe ProbeB) StartPair()
    {
        var (portA, portB) = (FreePort(), FreePort());
        PeerInfo[] peers = [new("A", Url(portA)), new("B", Url(portB))];
        var probeA = CreateTestProbe("nodeA");
        var probeB = CreateTestProbe("nodeB");
        var a = Sys.ActorOf(ZmqBridgeActor.Props(Settings("A", portA, peers), probeA), "bridgeA");
        var b = Sys.ActorOf(ZmqBridgeActor.Props(Settings("B", portB, peers), probeB), "bridgeB");
        return (a, probeA, b, probeB);
    }
}
