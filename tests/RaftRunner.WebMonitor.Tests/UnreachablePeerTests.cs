using System.Text.Json;
using RaftRunner.WebMonitor.Tests.Testing;

namespace RaftRunner.WebMonitor.Tests;

/// <summary>A peer that stops is shown unreachable, with the reason, while the others carry on.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UnreachablePeerTests
{
    [Fact]
    public async Task A_stopped_peer_is_unreachable_and_has_no_lag()
    {
        await using var cluster = await MonitoredCluster.StartAsync(3);
        using var http = MonitorHttp.Client(cluster["n1"].WebUrl);
        var settled = await MonitorHttp.StatusWhenAsync(http, s => MonitorHttp.Settled(s), TimeSpan.FromSeconds(30), "a settled cluster");
        // Stop a node that is neither this monitor's node nor (to keep the test short) the leader.
        var victim = settled.GetProperty("peers").EnumerateArray()
            .First(p => !p.GetProperty("isLeader").GetBoolean() && p.GetProperty("id").GetString() != "n1").GetProperty("id").GetString()!;
        await cluster.StopAsync(victim);

        var status = await MonitorHttp.StatusWhenAsync(http,
            s => s.GetProperty("peers").EnumerateArray().Any(p => p.GetProperty("id").GetString() == victim && !p.GetProperty("reachable").GetBoolean()),
            what: $"{victim} unreachable");
        var down = status.GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("id").GetString() == victim);
        Assert.Equal("unknown", down.GetProperty("role").GetString());
        Assert.False(down.GetProperty("isLeader").GetBoolean());
        Assert.Equal(JsonValueKind.Null, down.GetProperty("lag").ValueKind);
        Assert.Contains("no answer", down.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, down.GetProperty("commitIndex").ValueKind); // the last known numbers stay

        // Two of three still commit: a write goes through, and the monitor still shows one leader.
        var index = await cluster.SetAsync("n1", "still", "working");
        await MonitorHttp.StatusWhenAsync(http,
            s => s.GetProperty("commitIndex").GetInt64() >= index && s.GetProperty("peers").EnumerateArray().Count(p => p.GetProperty("isLeader").GetBoolean()) == 1,
            what: $"commit index {index}");
    }
}
