using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Cli.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Buckets_tile_the_values_without_gaps_and_keep_each_within_1_in_128()
    {
        var previousHigh = -1L;
        for (var index = 0; index < 256 + (30 * 128); index++)
        {
            var low = LatencyHistogram.LowestEquivalent(index);
            var high = LatencyHistogram.HighestEquivalent(index);
            Assert.Equal(previousHigh + 1, low);
            Assert.Equal(index, LatencyHistogram.IndexOf(low));
            Assert.Equal(index, LatencyHistogram.IndexOf(high));
            Assert.True(high - low <= Math.Max(0, low / 128), $"bucket {index}: {low}..{high}");
            previousHigh = high;
        }
    }

    [Fact]
    public void Percentiles_of_a_uniform_spread_are_where_they_should_be()
    {
        var histogram = new LatencyHistogram();
        for (var us = 1; us <= 100_000; us++)
            histogram.RecordMicroseconds(us);
        Assert.Equal(100_000, histogram.Count);
        Assert.InRange(histogram.PercentileMicroseconds(50), 50_000, 50_000 * 1.008);
        Assert.InRange(histogram.PercentileMicroseconds(99), 99_000, 99_000 * 1.008);
        Assert.InRange(histogram.PercentileMicroseconds(99.9), 99_900, 100_000);
        Assert.Equal(100_000, histogram.PercentileMicroseconds(100));
        Assert.Equal(100_000, histogram.MaxMicroseconds);
        Assert.Equal(1, histogram.MinMicroseconds);
        Assert.Equal(50_000.5, histogram.MeanMicroseconds, 3);
    }

    [Fact]
    public void An_empty_histogram_reports_zeros_and_concurrent_records_all_count()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.PercentileMicroseconds(99));
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
                histogram.Record(TimeSpan.FromMilliseconds(1 + (i % 10)));
        });
        Assert.Equal(80_000, histogram.Count);
        Assert.Equal(10_000, histogram.MaxMicroseconds);
        Assert.InRange(histogram.PercentileMilliseconds(50), 5, 5.05);
    }
}

public sealed class PeerChangeTests
{
    private static readonly PeerInfo[] Three = [new("n1", "tcp://h:1"), new("n2", "tcp://h:2"), new("n3", "tcp://h:3")];

    [Fact]
    public void Add_appends_the_peer_and_refuses_a_known_id_or_url()
    {
        var add = PeerChange.ParseAdd("n4=tcp://h:4");
        Assert.Equal([.. Three, new PeerInfo("n4", "tcp://h:4")], add.Apply(Three));
        Assert.Contains("already in the cluster", Assert.Throws<BadArgumentException>(() => PeerChange.ParseAdd("n2=tcp://h:9").Apply(Three)).Message, StringComparison.Ordinal);
        Assert.Contains("belongs to peer 'n3'", Assert.Throws<BadArgumentException>(() => PeerChange.ParseAdd("n9=tcp://h:3").Apply(Three)).Message, StringComparison.Ordinal);
        Assert.Throws<BadArgumentException>(() => PeerChange.ParseAdd("n4"));
        Assert.Throws<BadArgumentException>(() => PeerChange.ParseAdd("=tcp://h:4"));
        Assert.Throws<BadArgumentException>(() => PeerChange.ParseAdd("n4=udp://h:4"));
    }

    [Fact]
    public void Remove_drops_the_peer_and_refuses_an_unknown_id_or_the_last_peer()
    {
        var remove = PeerChange.ParseRemove("n2");
        Assert.Equal([Three[0], Three[2]], remove.Apply(Three));
        Assert.Contains("not in the cluster", Assert.Throws<BadArgumentException>(() => PeerChange.ParseRemove("n9").Apply(Three)).Message, StringComparison.Ordinal);
        Assert.Contains("last peer", Assert.Throws<BadArgumentException>(() => PeerChange.ParseRemove("n1").Apply([Three[0]])).Message, StringComparison.Ordinal);
    }
}

public sealed class PeerUrlTests
{
    [Theory]
    [InlineData("tcp://127.0.0.1:1", "tcp://127.0.0.1:1")]
    [InlineData("tcp://127.0.0.1:1, tcp://127.0.0.1:2", "tcp://127.0.0.1:1|tcp://127.0.0.1:2")]
    [InlineData("n1=tcp://127.0.0.1:1,n2=tcp://127.0.0.1:2,n1=tcp://127.0.0.1:1", "tcp://127.0.0.1:1|tcp://127.0.0.1:2")]
    [InlineData("[{\"id\":\"n1\",\"url\":\"tcp://127.0.0.1:1\",\"www\":\"http://127.0.0.1:2\"}]", "tcp://127.0.0.1:1")]
    public void Peers_take_urls_id_url_pairs_and_the_seed_JSON(string text, string expected)
    {
        Assert.Equal(expected.Split('|'), ClusterOptions.ParseUrls(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("nonsense")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("=tcp://127.0.0.1:1")]
    [InlineData("[{\"id\":\"n1\"}]")]
    [InlineData("[nope")]
    public void Anything_else_is_a_bad_argument_naming_peers(string text)
    {
        Assert.Contains("--peers", Assert.Throws<BadArgumentException>(() => ClusterOptions.ParseUrls(text)).Message, StringComparison.Ordinal);
    }
}

public sealed class RaftPersReaderTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "rr-cli-pers-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_file);

    private static byte[] Map(params (string Key, MessagePackValue Value)[] fields) =>
        MessagePackCodec.Encode(MessagePackValue.Map(fields.Select(f => new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From(f.Key), f.Value))));

    [Fact]
    public void Later_records_win_and_a_torn_or_zeroed_tail_is_reported_not_fatal()
    {
        var first = Map(("currentTerm", MessagePackValue.From(1L)), ("votedFor", MessagePackValue.From("n1")));
        var second = Map(("currentTerm", MessagePackValue.From(2L)));
        var torn = Map(("votedFor", MessagePackValue.From("n2")))[..5];
        File.WriteAllBytes(_file, [.. first, .. second, .. torn]);
        var contents = RaftPersReader.Read(_file);
        Assert.Equal(2, contents.Records);
        Assert.True(contents["currentTerm"]!.TryGetUInt64(out var term) && term == 2);
        Assert.True(contents["votedFor"]!.TryGetString(out var voted) && voted == "n1");
        Assert.Equal(first.Length + second.Length, contents.TornTailOffset);
        Assert.Null(contents.Problem);

        File.WriteAllBytes(_file, [.. first, 0, 0, 0]);
        Assert.Equal(first.Length, RaftPersReader.Read(_file).TornTailOffset);

        File.WriteAllBytes(_file, [.. first, 0x01]);
        Assert.Contains("not a map", RaftPersReader.Read(_file).Problem, StringComparison.Ordinal);
    }
}

public sealed class CliLoggingTests
{
    [Theory]
    [InlineData("trace", Microsoft.Extensions.Logging.LogLevel.Trace)]
    [InlineData("Debug", Microsoft.Extensions.Logging.LogLevel.Debug)]
    [InlineData("information", Microsoft.Extensions.Logging.LogLevel.Information)]
    [InlineData("info", Microsoft.Extensions.Logging.LogLevel.Information)]
    [InlineData("warning", Microsoft.Extensions.Logging.LogLevel.Warning)]
    [InlineData("error", Microsoft.Extensions.Logging.LogLevel.Error)]
    [InlineData("critical", Microsoft.Extensions.Logging.LogLevel.Critical)]
    [InlineData("none", Microsoft.Extensions.Logging.LogLevel.None)]
    public void Levels_parse(string text, Microsoft.Extensions.Logging.LogLevel expected)
    {
        Assert.True(CliLogging.TryParse(text, out var level));
        Assert.Equal(expected, level);
    }

    [Fact]
    public void Anything_else_does_not()
    {
        Assert.False(CliLogging.TryParse("loud", out _));
    }
}
