using RaftRunner.Storage.Log;

namespace RaftRunner.Storage.Tests.Log;

public class IndexFilePathTests
{
    private static string Slashes(string path) => path.Replace(Path.DirectorySeparatorChar, '/');

    [Theory]
    [InlineData(1L, "log/00000/00/00/00000000000001.rlog")]
    [InlineData(137_438_953_218L, "log/00001/ff/ff/00001fffffff02.rlog")]
    [InlineData(16384L, "log/00000/00/00/00000000004000.rlog")]
    [InlineData((1L << 53) - 1, "log/1ffff/ff/ff/1fffffffffffff.rlog")]
    public void Path_follows_acid_md(long index, string expected) =>
        Assert.Equal(expected, Slashes(Path.Combine("log", IndexFilePath.RelativePath(index))));

    [Fact]
    public void Base_name_is_14_lowercase_hex_digits()
    {
        Assert.Equal("00000000000001", IndexFilePath.BaseName(1));
        Assert.Equal("00001fffffff02", IndexFilePath.BaseName(137_438_953_218));
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexFilePath.BaseName(1L << 53));
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexFilePath.BaseName(-1));
    }

    [Theory]
    [InlineData("00000000000001.rlog", true, 1L)]
    [InlineData("00001fffffff02.rlog", true, 137_438_953_218L)]
    [InlineData("00001FFFFFFF02.rlog", false, 0L)]
    [InlineData("0000000000001.rlog", false, 0L)]
    [InlineData("00000000000001.rlog.tmp", false, 0L)]
    [InlineData("0000000000000g.rlog", false, 0L)]
    public void File_names_parse_strictly(string name, bool ok, long index)
    {
        Assert.Equal(ok, IndexFilePath.TryParseFileName(name, out var parsed));
        Assert.Equal(index, parsed);
    }

    [Fact]
    public void Misplaced_file_is_refused()
    {
        using var dir = new LogTempDirectory();
        var wrong = dir.Combine("00000", "00", "01", "00000000000001.rlog");
        Directory.CreateDirectory(Path.GetDirectoryName(wrong)!);
        File.WriteAllBytes(wrong, [1]);
        var e = Assert.Throws<StorageException>(() => IndexFilePath.Discover(dir.Path));
        Assert.Equal(wrong, e.FilePath);
    }

    [Fact]
    public void Discover_returns_files_in_index_order_and_skips_other_names()
    {
        using var dir = new LogTempDirectory();
        foreach (var index in new[] { 137_438_953_218L, 16384L, 1L, 0x1000000L })
        {
            var path = IndexFilePath.FullPath(dir.Path, index);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [0]);
        }
        File.WriteAllBytes(dir.Combine("00000", "00", "00", "00000000000005.rlog.tmp"), [0]);
        Directory.CreateDirectory(dir.Combine("00002", "00", "00")); // empty directories are fine
        Directory.CreateDirectory(dir.Combine("XYZ"));
        Assert.Equal([1L, 16384L, 0x1000000L, 137_438_953_218L], IndexFilePath.Discover(dir.Path));
    }

    [Theory]
    [InlineData(1L, 16384, 16383)]
    [InlineData(16384L, 16384, 16384)]
    [InlineData(5L, 4, 3)]
    [InlineData(0L, 4, 4)]
    public void Effective_capacity_aligns_files(long first, int capacity, int expected) =>
        Assert.Equal(expected, IndexFileFormat.EffectiveCapacity(first, capacity));
}
