using RaftRunner.Node.StateMachines;
using RaftRunner.Node.Tests.Cluster;
using RaftRunner.Protocol;

namespace RaftRunner.Node.Tests.Snapshots;

/// <summary>prune-log-files: after a snapshot, log files wholly below MIN(snapshot, PRUNE INDEX) go, and only then.</summary>
public sealed class PruneLogFilesTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Log_files_covered_by_the_snapshot_and_the_prune_index_are_deleted_only_when_pruning_is_on(bool prune)
    {
        // 16 entries per file and 20 remembered request ids: the PRUNE INDEX follows the log closely.
        await using var cluster = new NodeCluster(1, s => s with { SnapshotInterval = 50, IndexFileCapacity = 16, RequestIdCacheMax = 20, PruneLogFiles = prune });
        cluster.StartAll();
        await cluster.LeaderAsync();
        var last = 0L;
        for (var i = 0; i < 300; i++)
            last = await cluster.UpdateAsync(RequestId.New(), KeyValueCommands.Set($"k{i}", "v"));
        await cluster.AllAppliedAsync(last);
        var status = await cluster.StatusAsync("n1");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (status.FirstIndex < 250 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            status = await cluster.StatusAsync("n1");
        }
        Assert.True(status.FirstIndex >= 250, $"a snapshot at 250 or later was expected, the log starts at {status.FirstIndex}");

        var files = Directory.GetFiles(Path.Combine(cluster.DataOf("n1"), "log"), "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.')).ToArray();
        var allFiles = (int)Math.Ceiling(last / 16.0);
        if (prune)
            Assert.InRange(files.Length, 1, 5); // what the snapshot and the 20 newest request ids do not cover: the last few files
        else
            Assert.True(files.Length >= allFiles, $"without pruning every one of the {allFiles} files stays, found {files.Length}");
    }
}
