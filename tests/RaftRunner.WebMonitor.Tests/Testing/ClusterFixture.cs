namespace RaftRunner.WebMonitor.Tests.Testing;

/// <summary>One three-node cluster, each node with its monitor, shared by the tests of <see cref="ClusterCollection"/> (which run one at a time).</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private MonitoredCluster? _cluster;

    internal MonitoredCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    public async Task InitializeAsync()
    {
        // A snapshot every 25 applied entries, so that snapshot index and size have something to show.
        _cluster = await MonitoredCluster.StartAsync(3, s => s with { SnapshotInterval = 25 });
        using var http = MonitorHttp.Client(_cluster["n1"].WebUrl);
        await MonitorHttp.StatusWhenAsync(http, s => MonitorHttp.Settled(s), TimeSpan.FromSeconds(30), "a settled cluster");
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }
}

/// <summary>The tests that start clusters: one at a time, on a two-core machine.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "monitored cluster";
}
