using RaftRunner.Client.Tests.Testing;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Client.Tests;

/// <summary>
/// The client against scripted peers (a ROUTER answering what a test says): the answers a real cluster gives only
/// by chance — redirections, "accepted" before the commit, busy, refusals, a leader dying mid-snapshot.
/// </summary>
public sealed class ScriptedPeerTests
{
    private static readonly RaftClientOptions Fast = new() { CallTimeout = TimeSpan.FromSeconds(10) };

    private static byte Type(ReadOnlyMemory<byte>[] request) => request[1].Span[0];

    private static uint Id(ReadOnlyMemory<byte>[] request) => FrameCodec.TryReadUInt32(request[0].Span, out var id, out _) ? id : 0;

    /// <summary>The answer of a peer that leads (or not) a cluster of <paramref name="peers"/>.</summary>
    private static ReadOnlyMemory<byte>[] Config(ReadOnlyMemory<byte>[] request, bool isLeader, string? leaderId, params (string Id, string Url)[] peers) =>
        new RequestConfigResponse(Id(request), isLeader, leaderId, [.. peers.Select(p => new PeerInfo(p.Id, p.Url))]).Encode();

    [Fact]
    public async Task A_named_leader_is_followed_and_accepted_answers_restart_the_wait_for_the_commit()
    {
        FakePeer? leader = null;
        using var follower = new FakePeer(r => Type(r) == MessageTypes.RequestConfig
            ? [Config(r, false, "L", ("F", "x"), ("L", leader!.Url))]
            : []);
        leader = new FakePeer(r =>
        {
            if (Type(r) == MessageTypes.RequestConfig)
                return [Config(r, true, "L", ("F", follower.Url), ("L", "y"))];
            RequestUpdateRequest.TryDecode(r, out var update, out _);
            // Accepted, then 300 ms, accepted again, 300 ms, committed: 600 ms in all, never 500 ms without an answer.
            return [RequestUpdateResponse.Accepted(update.RequestId).Encode(), .. Enumerable.Repeat(FakePeer.Pause, 3),
                RequestUpdateResponse.Accepted(update.RequestId).Encode(), .. Enumerable.Repeat(FakePeer.Pause, 3),
                RequestUpdateResponse.Committed(update.RequestId, 42).Encode()];
        });
        using (leader)
        {
            using var client = new RaftClient([follower.Url], Fast);
            Assert.Equal(42, await client.RequestUpdateAsync(new byte[] { 1 }));
            Assert.Equal("L", client.LeaderId);
            Assert.Single(leader.Requests, r => Type(r) == MessageTypes.RequestUpdate);
        }
    }

    [Fact]
    public async Task Not_leader_without_a_leader_waits_the_grace_delay_and_asks_again_with_the_same_request_id()
    {
        var updates = 0;
        string? self = null;
        using var peer = new FakePeer(r =>
        {
            if (Type(r) == MessageTypes.RequestConfig)
                return [Config(r, true, "A", ("A", self!))];
            RequestUpdateRequest.TryDecode(r, out var update, out _);
            return Interlocked.Increment(ref updates) < 3
                ? [RequestUpdateResponse.NotLeader(update.RequestId, null).Encode()]
                : [RequestUpdateResponse.Committed(update.RequestId, 7).Encode()];
        });
        self = peer.Url;
        using var client = new RaftClient([peer.Url], Fast);
        var id = RequestId.New();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(7, await client.RequestUpdateAsync(new byte[] { 1 }, id));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(550), $"two grace delays of 300 ms, took {clock.Elapsed}");
        var sent = peer.Requests.Where(r => Type(r) == MessageTypes.RequestUpdate).ToArray();
        Assert.Equal(3, sent.Length);
        Assert.All(sent, r => Assert.Equal(id.ToArray(), r[0].ToArray()));
    }

    [Fact]
    public async Task Config_refusals_carry_the_leaders_error_and_expired_ids_are_final()
    {
        string? self = null;
        using var peer = new FakePeer(r =>
        {
            if (Type(r) == MessageTypes.RequestConfig)
                return [Config(r, true, "A", ("A", self!))];
            var id = RequestId.FromBytes(r[0].Span);
            if (Type(r) == MessageTypes.RequestUpdate)
                return [RequestUpdateResponse.Expired(id).Encode()];
            return r[3].Span.SequenceEqual(JsonValues.EncodePeers([]).Span)
                ? [new ConfigUpdateResponse(id, ConfigUpdateStatus.ConfigError, ErrorName: "AssertionError", ErrorMessage: "at least one peer must be defined in a cluster").Encode()]
                : [new ConfigUpdateResponse(id, ConfigUpdateStatus.Expired).Encode()];
        });
        self = peer.Url;
        using var client = new RaftClient([peer.Url], Fast);
        var refused = await Assert.ThrowsAsync<ConfigUpdateRejectedException>(() => client.ConfigUpdateAsync([]));
        Assert.Equal("AssertionError", refused.ErrorName);
        Assert.Equal("at least one peer must be defined in a cluster", refused.ErrorMessage);
        var id = RequestId.New();
        var expired = await Assert.ThrowsAsync<RequestExpiredException>(() => client.ConfigUpdateAsync([new PeerInfo("A", "tcp://127.0.0.1:1")], id));
        Assert.Equal(id, expired.RequestId);
        await Assert.ThrowsAsync<RequestExpiredException>(() => client.RequestUpdateAsync(new byte[] { 1 }));
        Assert.Equal(3, peer.Requests.Count(r => Type(r) is MessageTypes.ConfigUpdate or MessageTypes.RequestUpdate));
    }

    [Fact]
    public async Task A_busy_cluster_is_asked_again_with_backoff_until_the_change_goes_through_or_time_runs_out()
    {
        var busyFor = 3;
        string? self = null;
        using var peer = new FakePeer(r =>
        {
            if (Type(r) == MessageTypes.RequestConfig)
                return [Config(r, true, "A", ("A", self!))];
            var id = RequestId.FromBytes(r[0].Span);
            return Volatile.Read(ref busyFor) > 0 && Interlocked.Decrement(ref busyFor) >= 0
                ? [new ConfigUpdateResponse(id, ConfigUpdateStatus.Busy).Encode()]
                : [new ConfigUpdateResponse(id, ConfigUpdateStatus.Accepted).Encode(), new ConfigUpdateResponse(id, ConfigUpdateStatus.Accepted, 12).Encode()];
        });
        self = peer.Url;
        using var client = new RaftClient([peer.Url], Fast with { BusyRetryDelay = TimeSpan.FromMilliseconds(50) });
        var id = RequestId.New();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(12, await client.ConfigUpdateAsync([new PeerInfo("A", "tcp://127.0.0.1:1")], id));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(50 + 100 + 200), $"backoff 50, 100, 200 ms; took {clock.Elapsed}");
        Assert.All(peer.Requests.Where(r => Type(r) == MessageTypes.ConfigUpdate), r => Assert.Equal(id.ToArray(), r[0].ToArray()));

        Volatile.Write(ref busyFor, int.MaxValue);
        using var impatient = new RaftClient([peer.Url], Fast with { CallTimeout = TimeSpan.FromSeconds(1), BusyRetryDelay = TimeSpan.FromMilliseconds(50) });
        await Assert.ThrowsAsync<ClusterBusyException>(() => impatient.ConfigUpdateAsync([new PeerInfo("A", "tcp://127.0.0.1:1")]));
    }

    [Fact]
    public async Task Log_info_of_one_peer_is_asked_of_that_peer_even_when_a_leader_is_known()
    {
        FakePeer? leader = null;
        using var follower = new FakePeer(r => Type(r) == MessageTypes.RequestLogInfo
            ? [new RequestLogInfoResponse(Id(r), false, "L", 3, 1, 5, 5, 6, 0, 6).Encode()]
            : [Config(r, false, "L", ("F", "x"), ("L", leader!.Url))]);
        leader = new FakePeer(r => Type(r) == MessageTypes.RequestLogInfo
            ? [new RequestLogInfoResponse(Id(r), true, "L", 3, 1, 9, 9, 9, 0, 9).Encode()]
            : [Config(r, true, "L", ("F", follower.Url), ("L", "y"))]);
        using (leader)
        {
            using var client = new RaftClient([follower.Url, leader.Url], Fast);
            await client.RequestConfigAsync();
            var info = await client.RequestLogInfoAsync(follower.Url);
            Assert.False(info.IsLeader);
            Assert.Equal(follower.Url, info.PeerUrl);
            Assert.Equal(5, info.LastApplied);
            Assert.DoesNotContain(leader.Requests, r => Type(r) == MessageTypes.RequestLogInfo);
            var fromLeader = await client.RequestLogInfoAsync();
            Assert.True(fromLeader.IsLeader);
            Assert.Equal(9, fromLeader.LastApplied);
        }
    }

    [Fact]
    public async Task A_snapshot_cut_off_by_a_silent_leader_is_resumed_at_the_next_byte_at_the_new_leader()
    {
        var snapshot = Enumerable.Range(0, 30).Select(i => (byte)i).ToArray();
        RequestEntriesResponse ChunkOf(uint id, int offset, int length) => RequestEntriesResponse.SnapshotChunkOf(
            id, 20, new SnapshotChunkInfo((ulong)offset, (ulong)snapshot.Length, 2), snapshot.AsMemory(offset, length));
        var firstAlive = true;
        FakePeer? second = null;
        string? firstUrl = null;
        using var first = new FakePeer(r =>
        {
            if (!Volatile.Read(ref firstAlive))
                return [];
            if (Type(r) == MessageTypes.RequestConfig)
                return [Config(r, true, "A", ("A", firstUrl!), ("B", second!.Url))];
            // One chunk of 10 bytes, then silence, as if it died.
            Volatile.Write(ref firstAlive, false);
            return [ChunkOf(Id(r), 0, 10).Encode()];
        });
        firstUrl = first.Url;
        second = new FakePeer(r =>
        {
            if (Type(r) == MessageTypes.RequestConfig)
                return [Config(r, true, "B", ("A", first.Url), ("B", second!.Url))];
            RequestEntriesRequest.TryDecode(r, out var request, out _);
            if (request.PrevIndex < 20)
                return [ChunkOf(request.RequestId, (int)request.SnapshotOffset!.Value, 10).Encode()];
            if (request.PrevIndex == 20)
                return [RequestEntriesResponse.Batch(request.RequestId, true, 21, [LogEntry.Create(RequestId.New(), LogEntryType.State, 2, [9])], null).Encode()];
            return [];
        });
        using (second)
        {
            using var client = new RaftClient([first.Url], Fast);
            var items = new List<RaftLogItem>();
            await foreach (var item in client.ReadEntriesAsync(0))
                items.Add(item);
            var chunks = items.OfType<SnapshotChunkItem>().ToArray();
            Assert.Equal([0L, 10L, 20L], chunks.Select(c => c.Offset));
            Assert.Equal(snapshot, chunks.SelectMany(c => c.Data.ToArray()));
            Assert.Equal(21, Assert.IsType<LogEntryItem>(items[^1]).Index);
            // The new leader was asked for byte 10 first: nothing was read twice.
            var asked = second.Requests.Where(r => Type(r) == MessageTypes.RequestEntries).Select(r =>
            {
                RequestEntriesRequest.TryDecode(r, out var request, out _);
                return request.SnapshotOffset;
            }).ToArray();
            Assert.Equal(10UL, asked[0]);
        }
    }

    [Fact]
    public async Task Calls_to_a_silent_cluster_end_in_a_timeout_or_on_cancellation()
    {
        var url = Ports.Url(Ports.Free(1)[0]);
        using var client = new RaftClient([url], new RaftClientOptions { CallTimeout = TimeSpan.FromMilliseconds(1200) });
        await Assert.ThrowsAsync<TimeoutException>(() => client.RequestUpdateAsync(new byte[] { 1 }));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        using var patient = new RaftClient([url], new RaftClientOptions { CallTimeout = Timeout.InfiniteTimeSpan });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.RequestConfigAsync(cancel.Token));
        patient.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => patient.RequestLogInfoAsync());
    }
}
