namespace RaftRunner.Hocon.Tests;

public class ByteSizeTests
{
    [Theory]
    [InlineData("64KiB", 65_536L)]
    [InlineData("1 MiB", 1_048_576L)]
    [InlineData("500 kB", 500_000L)]
    [InlineData("10M", 10_485_760L)]
    [InlineData("10m", 10_485_760L)]
    [InlineData("10MB", 10_000_000L)]
    [InlineData("2K", 2_048L)]
    [InlineData("2k", 2_048L)]
    [InlineData("2KB", 2_000L)]
    [InlineData("2Ki", 2_048L)]
    [InlineData("1 G", 1_073_741_824L)]
    [InlineData("1GB", 1_000_000_000L)]
    [InlineData("1 GiB", 1_073_741_824L)]
    [InlineData("1T", 1_099_511_627_776L)]
    [InlineData("1 TB", 1_000_000_000_000L)]
    [InlineData("1 TiB", 1_099_511_627_776L)]
    [InlineData("1 PiB", 1_125_899_906_842_624L)]
    [InlineData("1 EiB", 1_152_921_504_606_846_976L)]
    [InlineData("100B", 100L)]
    [InlineData("100 b", 100L)]
    [InlineData("3 bytes", 3L)]
    [InlineData("1 byte", 1L)]
    [InlineData("2 kilobytes", 2_000L)]
    [InlineData("2 kibibytes", 2_048L)]
    [InlineData("1 megabyte", 1_000_000L)]
    [InlineData("1 mebibytes", 1_048_576L)]
    [InlineData("1.5 KiB", 1_536L)]
    [InlineData("1e3", 1_000L)]
    [InlineData("42", 42L)]
    public void Byte_size_units_follow_the_hocon_spec(string text, long expected)
    {
        var actual = Hocon.Parse($"s = \"{text}\"").GetByteSize("s");
        Assert.True(expected == actual, $"expected \"{text}\" to be {expected} bytes but got {actual}");
    }

    [Fact]
    public void Unquoted_sizes_and_plain_numbers_work()
    {
        var config = Hocon.Parse("a = 64KiB\nb = 1 MiB\nc = 65536\nd = 10M");
        Assert.Equal(65_536L, config.GetByteSize("a"));
        Assert.Equal(1_048_576L, config.GetByteSize("b"));
        Assert.Equal(65_536L, config.GetByteSize("c"));
        Assert.Equal(10_485_760L, config.GetByteSize("d"));
    }

    [Fact]
    public void Unknown_size_unit_is_an_error_at_the_value()
    {
        var error = Hocon.FailsQuickly(() => Hocon.Parse("buffer {\n  size = 5 parsecs\n}").GetByteSize("buffer.size"));
        Hocon.AssertAt(error, 2, 10, "unknown size unit 'parsecs'");
        Assert.Equal("buffer.size", error.ConfigPath);
    }

    [Fact]
    public void Size_beyond_64_bits_is_an_error()
    {
        var error = Hocon.FailsQuickly(() => Hocon.Parse("s = 10EiB").GetByteSize("s"));
        Hocon.AssertAt(error, 1, 5, "out of range");
    }

    [Fact]
    public void Booleans_are_not_sizes()
    {
        var error = Hocon.FailsQuickly(() => Hocon.Parse("s = true").GetByteSize("s"));
        Hocon.AssertAt(error, 1, 5, "expected a size in bytes such as 64KiB or 10 MB but found boolean true");
    }
}
