using RaftRunner.Storage.Persistence;

namespace RaftRunner.Storage.Tests.Snapshots;

public sealed class FileRotationTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Rotate_names_use_the_UTC_timestamp_and_a_base36_counter_per_millisecond()
    {
        var time = new DateTimeOffset(2018, 9, 26, 16, 59, 36, 817, TimeSpan.FromHours(2));
        // Other tests may rotate concurrently and reset the shared counter, so allow a few attempts.
        for (var attempt = 0; ; attempt++)
        {
            var first = FileRotation.CreateRotateName("snap", time);
            var second = FileRotation.CreateRotateName("snap", time);
            if (first == "snap-2018-09-26-145936-8170" && second == "snap-2018-09-26-145936-8171")
                break;
            Assert.True(attempt < 10, $"got {first} and {second}");
        }
        Assert.Equal("a", FileRotation.ToBase36(10));
        Assert.Equal("10", FileRotation.ToBase36(36));
        Assert.Equal("raft.pers-2001-02-03-040506-0070", FileRotation.CreateRotateName("raft.pers", new DateTimeOffset(2001, 2, 3, 4, 5, 6, 7, TimeSpan.Zero)));
    }

    [Fact]
    public void Temporary_names_carry_the_process_id_and_a_counter()
    {
        var a = FileRotation.CreateTempName("/x/snap");
        var b = FileRotation.CreateTempName("/x/snap");
        Assert.Matches($@"^/x/snap\.tmp-{Environment.ProcessId}-[0-9a-z]+$", a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void History_is_listed_oldest_first_and_trimmed_to_the_newest()
    {
        var path = _dir.File("raft.pers");
        var names = new List<string>();
        for (var i = 0; i < 65; i++)
            names.Add($"raft.pers-2020-01-01-0000{i / 10:00}-{i % 10}00{(i % 3 == 0 ? "0" : "1a")}");
        foreach (var name in names)
            File.WriteAllBytes(_dir.File(name), []);
        File.WriteAllBytes(_dir.File("raft.pers-notes"), []);
        File.WriteAllBytes(path, []);
        var listed = FileRotation.ListHistoryFiles(path).Select(Path.GetFileName).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
        Assert.Equal(5, FileRotation.RemoveHistoryFiles(path));
        Assert.Equal(listed.Skip(5), FileRotation.ListHistoryFiles(path).Select(Path.GetFileName));
        Assert.True(File.Exists(_dir.File("raft.pers-notes")));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void History_counter_sorts_numerically_in_base36()
    {
        var path = _dir.File("snap");
        foreach (var suffix in new[] { "a", "2", "10", "z" })
            File.WriteAllBytes(_dir.File($"snap-2020-01-01-000000-000{suffix}"), []);
        Assert.Equal(["2", "a", "z", "10"], FileRotation.ListHistoryFiles(path).Select(p => Path.GetFileName(p)["snap-2020-01-01-000000-000".Length..]));
    }

    [Fact]
    public void Replace_with_backup_links_the_old_file_then_renames()
    {
        var target = _dir.File("snap");
        var source = _dir.File("snap.tmp-1-1");
        File.WriteAllText(target, "old");
        File.WriteAllText(source, "new");
        var backup = FileRotation.ReplaceWithBackup(source, target);
        Assert.NotNull(backup);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal("old", File.ReadAllText(backup));
        Assert.False(File.Exists(source));
        Assert.True(FileRotation.IsHistoryName(Path.GetFileName(backup), "snap"));

        File.WriteAllText(source, "newer");
        File.Delete(target);
        Assert.Null(FileRotation.ReplaceWithBackup(source, target));
        Assert.Equal("newer", File.ReadAllText(target));
    }
}
