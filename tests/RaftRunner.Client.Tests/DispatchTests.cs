using System.Diagnostics;
using System.Text;
using RaftRunner.Client.Tests.Testing;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol.Frames;

namespace RaftRunner.Client.Tests;

/// <summary>DispatchAsync (ClientDispatch): queries for the state machine, of the leader or of exactly one peer.</summary>
public sealed class DispatchTests(SharedCluster cluster) : IClassFixture<SharedCluster>
{
    private NodeCluster Nodes => cluster.Nodes;

    private static string Text(ReadOnlyMemory<byte> frame) => Encoding.UTF8.GetString(frame.Span);

    [Fact]
    public async Task The_leader_answers_queries_with_what_it_has_applied()
    {
        using var client = Nodes.Client();
        await client.RequestUpdateAsync(KeyValueCommands.Set("dispatch-colour", "green"));
        await client.RequestUpdateAsync(KeyValueCommands.Set("dispatch-colour", "blue"));

        var answer = await client.DispatchAsync([KeyValueCommands.Get("dispatch-colour")]);
        Assert.Equal("blue", Encoding.UTF8.GetString(KeyValueCommands.ReadValue(Assert.Single(answer).Span)!));
        Assert.NotNull(client.LeaderId); // the leader it found and asked (not compared with the fixture's: a loaded machine may re-elect)
        Assert.Null(KeyValueCommands.ReadValue((await client.DispatchAsync([KeyValueCommands.Get("dispatch-nothing")]))[0].Span));
        Assert.True(KeyValueCommands.ReadCount((await client.DispatchAsync([KeyValueCommands.Count()]))[0].Span) >= 1);
    }

    [Fact]
    public async Task Each_peer_asked_by_url_answers_from_its_own_state_and_all_agree_once_applied()
    {
        using var client = Nodes.Client();
        for (var i = 0; i < 10; i++)
            await client.RequestUpdateAsync(KeyValueCommands.Set($"dispatch-agree-{i}", $"v{i}"));

        // A follower applies a little after the leader: wait (bounded) until every peer has applied the commit index.
        var commit = (await client.RequestLogInfoAsync()).CommitIndex;
        var hashes = new Dictionary<string, string>();
        foreach (var peer in Nodes.Seed)
        {
            var clock = Stopwatch.StartNew();
            while ((await client.RequestLogInfoAsync(peer.Url)).LastApplied < commit)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{peer.Id} did not apply {commit} within 10 s");
                await Task.Delay(20);
            }
            var hash = await client.DispatchAsync([KeyValueCommands.Hash()], peer.Url);
            hashes[peer.Id] = KeyValueCommands.ReadHash(Assert.Single(hash).Span);
            var value = await client.DispatchAsync([KeyValueCommands.Get("dispatch-agree-9")], peer.Url);
            Assert.Equal("v9", Encoding.UTF8.GetString(KeyValueCommands.ReadValue(value[0].Span)!));
        }
        // Nothing else writes meanwhile (a class's tests run one at a time): every peer has the same state.
        Assert.Single(hashes.Values.Distinct());
    }

    [Fact]
    public async Task A_query_the_state_machine_refuses_is_answered_with_the_error_text()
    {
        using var client = Nodes.Client();
        var answer = await client.DispatchAsync(["not msgpack"u8.ToArray()]);
        Assert.Contains("not MessagePack", Text(answer[0]), StringComparison.Ordinal);
        var none = await client.DispatchAsync([], Nodes.Seed[0].Url);
        Assert.NotEmpty(none); // no arguments: an empty query, refused by the state machine, but answered
    }

    [Fact]
    public async Task A_peer_url_that_does_not_answer_times_out_within_the_call_timeout()
    {
        var dead = Ports.Url(Ports.Free(1)[0]);
        var log = new ListLogger();
        using var client = Nodes.Client(new RaftClientOptions { CallTimeout = TimeSpan.FromSeconds(1.5), Logger = log });
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<TimeoutException>(() => client.DispatchAsync([KeyValueCommands.Count()], dead));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.4) && clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Contains(dead, e.Message, StringComparison.Ordinal);
        // It asked that peer, and only that one, again after each response timeout.
        var noAnswers = log.Texts(1301).ToArray();
        Assert.True(noAnswers.Length >= 2, log.ToString());
        Assert.All(noAnswers, t => Assert.Contains(dead, t, StringComparison.Ordinal));

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        clock.Restart();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DispatchAsync([KeyValueCommands.Count()], dead, cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task The_request_is_id_type_secret_then_the_arguments_and_a_silent_peer_is_asked_again_with_a_fresh_id()
    {
        var requests = 0;
        using var peer = new FakePeer(r =>
        {
            if (Interlocked.Increment(ref requests) == 1)
                // The first answer comes after the client gave up on it (600 ms > 500 ms): it must be dropped.
                return [.. Enumerable.Repeat(FakePeer.Pause, 6), [r[0], "late"u8.ToArray()]];
            return [[r[0], "fresh"u8.ToArray(), "second"u8.ToArray()]];
        });
        using var client = new RaftClient([peer.Url], new RaftClientOptions { Secret = "s3cr3t", CallTimeout = TimeSpan.FromSeconds(10) });
        var answer = await client.DispatchAsync(["one"u8.ToArray(), ReadOnlyMemory<byte>.Empty, "three"u8.ToArray()], peer.Url);
        Assert.Equal(new[] { "fresh", "second" }, answer.Select(Text));

        var sent = peer.Requests.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.All(sent, r => Assert.Equal(new[] { "rr", "s3cr3t", "one", "", "three" }, r.Skip(1).Select(Text)));
        Assert.All(sent, r => Assert.True(FrameCodec.TryReadUInt32(r[0].Span, out _, out _), "the request id is a uint32"));
        Assert.NotEqual(sent[0][0].ToArray(), sent[1][0].ToArray());
    }
}

/// <summary>DispatchAsync without a peer url while the leader stops: the client finds the next leader.</summary>
public sealed class DispatchLeaderChangeTests
{
    [Fact]
    public async Task A_query_for_the_leader_follows_the_new_leader_when_the_old_one_stops()
    {
        await using var cluster = new NodeCluster(3);
        cluster.StartAll();
        var first = await cluster.LeaderAsync();
        using var client = cluster.Client(new RaftClientOptions { CallTimeout = TimeSpan.FromSeconds(20) });
        await client.RequestUpdateAsync(KeyValueCommands.Set("k", "before"));
        Assert.Equal(first, client.LeaderId);

        await cluster.StopAsync(first);
        // The client still believes in the stopped leader: the query times out there, then goes to the new one.
        var answer = await client.DispatchAsync([KeyValueCommands.Get("k")]);
        Assert.Equal("before", Encoding.UTF8.GetString(KeyValueCommands.ReadValue(answer[0].Span)!));
        Assert.NotNull(client.LeaderId);
        Assert.NotEqual(first, client.LeaderId);
    }
}
