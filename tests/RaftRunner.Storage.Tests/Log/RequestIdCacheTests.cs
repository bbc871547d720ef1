using RaftRunner.Protocol;
using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

public class RequestIdCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(8);

    [Fact]
    public void Add_lookup_truncate_and_expire()
    {
        var time = new ManualTime(LogEntries.Now);
        var cache = new RequestIdCache(Ttl, null, time);
        Assert.True(cache.Add(LogEntries.Id(1), 10));
        Assert.True(cache.Add(LogEntries.Id(2, LogEntries.Now + TimeSpan.FromHours(1)), 11));
        Assert.False(cache.Add(RequestId.Zero, 12));
        Assert.False(cache.Add(LogEntries.Id(3, LogEntries.Now - TimeSpan.FromHours(9)), 13));
        Assert.True(cache.TryGet(LogEntries.Id(1), out var index));
        Assert.Equal(10, index);
        Assert.Equal(10, cache.FirstFreshIndex);
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Add(LogEntries.Id(4), 11));

        cache.RemoveFrom(11);
        Assert.False(cache.TryGet(LogEntries.Id(2, LogEntries.Now + TimeSpan.FromHours(1)), out _));
        Assert.Equal(1, cache.Count);
        cache.Add(LogEntries.Id(5), 11);

        time.Now += TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1);
        Assert.Equal(2, cache.RemoveExpired());
        Assert.Equal(0, cache.Count);
        Assert.Null(cache.FirstFreshIndex);
    }

    [Fact]
    public void Expiry_matches_zmq_raft_millisecond_rule()
    {
        // zmq-raft: expired when seconds*1000 < now - ttl
        var time = new ManualTime(LogEntries.Now + Ttl);
        var cache = new RequestIdCache(Ttl, null, time);
        Assert.False(cache.HasExpired(LogEntries.Id(1)));
        time.Now += TimeSpan.FromMilliseconds(1);
        Assert.True(cache.HasExpired(LogEntries.Id(1)));
        Assert.False(new RequestIdCache(null, 5, time).HasExpired(LogEntries.Id(1, DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void Max_count_trims_the_oldest()
    {
        var cache = new RequestIdCache(null, 3, new ManualTime(LogEntries.Now));
        for (var i = 1; i <= 5; i++)
            cache.Add(LogEntries.Id(i), i);
        Assert.Equal(2, cache.RemoveExpired());
        Assert.Equal(3, cache.FirstFreshIndex);
        Assert.False(cache.TryGet(LogEntries.Id(2), out _));
        Assert.True(cache.TryGet(LogEntries.Id(5), out _));
    }

    [Fact]
    public void An_id_seen_twice_keeps_its_latest_index()
    {
        var cache = new RequestIdCache(Ttl, null, new ManualTime(LogEntries.Now));
        cache.Add(LogEntries.Id(1), 1);
        cache.Add(LogEntries.Id(2), 2);
        cache.Add(LogEntries.Id(1), 3);
        Assert.True(cache.TryGet(LogEntries.Id(1), out var index));
        Assert.Equal(3, index);
        Assert.Equal(2, cache.Count);
        Assert.Equal(2, cache.FirstFreshIndex); // the stale slot of index 1 is skipped
        cache.RemoveFrom(3);
        Assert.False(cache.TryGet(LogEntries.Id(1), out _));
    }

    [Fact]
    public void Limits_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new RequestIdCache(null, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestIdCache(TimeSpan.FromSeconds(5), null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestIdCache(Ttl, 0));
    }

    [Fact]
    public void Rebuild_on_open_takes_fresh_state_and_config_ids_including_before_the_snapshot()
    {
        using var dir = new LogTempDirectory();
        var time = new ManualTime(LogEntries.Now);
        var old = LogEntries.Now - TimeSpan.FromHours(9);
        var entries = new List<LogEntry>();
        for (var i = 1; i <= 12; i++)
            entries.Add(LogEntries.Make(i, type: i == 6 ? LogEntryType.Checkpoint : i % 2 == 0 ? LogEntryType.Config : LogEntryType.State, time: i <= 3 ? old : null));
        using (var log = FileLog.Open(dir.Path, new FileLogOptions { IndexFileCapacity = 4, TimeProvider = time }))
        {
            log.Append(entries);
            Assert.Equal(8, log.RequestIds.Count); // 4..12 without the checkpoint
        }
        using (var log = FileLog.Open(dir.Path, new FileLogOptions { IndexFileCapacity = 4, TimeProvider = time, SnapshotIndex = 9, SnapshotTerm = 1 }))
        {
            Assert.Equal(8, log.RequestIds.Count);
            Assert.Equal(4, log.RequestIds.FirstFreshIndex);
            Assert.Equal(3, log.PruneIndex);
            for (var i = 4; i <= 12; i++)
            {
                var found = log.RequestIds.TryGet(LogEntries.Id(i), out var index);
                Assert.Equal(i != 6, found);
                if (found)
                    Assert.Equal(i, index);
            }
            Assert.False(log.RequestIds.TryGet(LogEntries.Id(2, old), out _));
            Assert.True(log.TryGetRequestIndex(LogEntries.Id(5), out var five));
            Assert.Equal(5, five);
            log.TruncateAfter(10, 9);
            Assert.False(log.RequestIds.TryGet(LogEntries.Id(11), out _));
            Assert.True(log.RequestIds.TryGet(LogEntries.Id(10), out _));
            time.Now += TimeSpan.FromHours(9);
            Assert.Equal(6, log.RemoveExpiredRequestIds()); // 4, 5, 7, 8, 9, 10
            Assert.Equal(log.LastIndex, log.PruneIndex);
        }
    }

    [Fact]
    public void Rebuild_honours_the_cache_max()
    {
        using var dir = new LogTempDirectory();
        var time = new ManualTime(LogEntries.Now);
        using (var log = FileLog.Open(dir.Path, new FileLogOptions { IndexFileCapacity = 4, TimeProvider = time }))
            log.Append(Enumerable.Range(1, 20).Select(i => LogEntry.Create(LogEntries.Id(i), LogEntryType.State, 1, [1])).ToList());
        using var capped = FileLog.Open(dir.Path, new FileLogOptions { TimeProvider = time, RequestIdCacheMax = 5 });
        Assert.Equal(5, capped.RequestIds.Count);
        Assert.Equal(16, capped.RequestIds.FirstFreshIndex);
    }

    [Fact]
    public void Rebuild_stops_after_more_expired_ids_than_a_file_holds()
    {
        using var dir = new LogTempDirectory();
        var time = new ManualTime(LogEntries.Now);
        var old = LogEntries.Now - TimeSpan.FromHours(9);
        var entries = new List<LogEntry>();
        // 1..3 fresh (a clock-skewed client), 4..12 expired, 13..16 fresh; capacity 4
        for (var i = 1; i <= 16; i++)
            entries.Add(LogEntry.Create(LogEntries.Id(i, i is >= 4 and <= 12 ? old : LogEntries.Now), LogEntryType.State, 1, [1]));
        using (var log = FileLog.Open(dir.Path, new FileLogOptions { IndexFileCapacity = 4, TimeProvider = time }))
            log.Append(entries);
        using var reopened = FileLog.Open(dir.Path, new FileLogOptions { IndexFileCapacity = 4, TimeProvider = time });
        // scanning back from 16: 4 fresh, then the 5th expired id (> capacity 4) ends the scan before 1..3
        Assert.Equal(4, reopened.RequestIds.Count);
        Assert.Equal(13, reopened.RequestIds.FirstFreshIndex);
        Assert.False(reopened.RequestIds.TryGet(LogEntries.Id(2), out _));
    }
}
