namespace RaftRunner.Hocon.Tests;

public class DurationTests
{
    [Theory]
    [InlineData("200ms", 200 * TimeSpan.TicksPerMillisecond)]
    [InlineData("5 s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("8h", 8 * TimeSpan.TicksPerHour)]
    [InlineData("1 minute", TimeSpan.TicksPerMinute)]
    [InlineData("2 days", 2 * TimeSpan.TicksPerDay)]
    [InlineData("1d", TimeSpan.TicksPerDay)]
    [InlineData("3m", 3 * TimeSpan.TicksPerMinute)]
    [InlineData("500ns", 5L)]
    [InlineData("250us", 2500L)]
    [InlineData("1 microsecond", 10L)]
    [InlineData("1.5s", 15 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("0.1 seconds", TimeSpan.TicksPerSecond / 10)]
    [InlineData("2 hours", 2 * TimeSpan.TicksPerHour)]
    [InlineData("10 millis", 10 * TimeSpan.TicksPerMillisecond)]
    [InlineData("10 milliseconds", 10 * TimeSpan.TicksPerMillisecond)]
    [InlineData("7 nanos", 0L)]
    [InlineData("-5s", -5 * TimeSpan.TicksPerSecond)]
    public void Duration_units_convert_to_ticks(string text, long expectedTicks)
    {
        var actual = Hocon.Parse($"d = \"{text}\"").GetTimeSpan("d");
        Assert.True(expectedTicks == actual.Ticks, $"expected \"{text}\" to be {expectedTicks} ticks but got {actual.Ticks}");
    }

    [Fact]
    public void Min_is_not_a_hocon_duration_unit()
    {
        // The spec knows m, minute and minutes only; "15min" must fail rather than guess.
        var error = Hocon.FailsQuickly(() => Hocon.Parse("d = 15min").GetTimeSpan("d"));
        Hocon.AssertAt(error, 1, 5, "unknown duration unit 'min'");
    }

    [Fact]
    public void Unquoted_durations_work_as_value_concatenations()
    {
        var config = Hocon.Parse("a = 5 s\nb = 1 minute\nc = 200ms");
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("a"));
        Assert.Equal(TimeSpan.FromMinutes(1), config.GetTimeSpan("b"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.GetTimeSpan("c"));
    }

    [Fact]
    public void Plain_numbers_are_milliseconds()
    {
        var config = Hocon.Parse("a = 200\nb = 1.5\nc = \"300\"");
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.GetTimeSpan("a"));
        Assert.Equal(TimeSpan.FromTicks(15_000), config.GetTimeSpan("b"));
        Assert.Equal(TimeSpan.FromMilliseconds(300), config.GetTimeSpan("c"));
    }

    [Fact]
    public void Unknown_unit_is_an_error_at_the_value()
    {
        var config = Hocon.Parse("raft {\n  timeout = 5 parsecs\n}", fileName: "hocon/node1.conf");
        var error = Hocon.FailsQuickly(() => config.GetTimeSpan("raft.timeout"));
        Hocon.AssertAt(error, 2, 13, "unknown duration unit 'parsecs'");
        Assert.Equal("raft.timeout", error.ConfigPath);
        Assert.StartsWith("reading 'raft.timeout': invalid duration \"5 parsecs\": unknown duration unit 'parsecs'", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(hocon/node1.conf:2:13)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("ms")]
    [InlineData("")]
    public void Text_without_a_number_is_not_a_duration(string text)
    {
        var error = Hocon.FailsQuickly(() => Hocon.Parse($"d = \"{text}\"").GetTimeSpan("d"));
        Hocon.AssertAt(error, 1, 5, "does not start with a number");
    }

    [Fact]
    public void Duration_out_of_range_is_an_error()
    {
        var error = Hocon.FailsQuickly(() => Hocon.Parse("d = \"99999999999999 days\"").GetTimeSpan("d"));
        Hocon.AssertAt(error, 1, 5, "out of range");
    }

    [Fact]
    public void Lists_and_objects_are_not_durations()
    {
        var error = Hocon.FailsQuickly(() => Hocon.Parse("d = [1]").GetTimeSpan("d"));
        Hocon.AssertAt(error, 1, 5, "expected a duration such as 200ms or 5 s but found a list");
    }
}
