using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Persistence;
using RaftRunner.Storage.Tests.Snapshots;
using Xunit.Abstractions;

namespace RaftRunner.Storage.Tests.Persistence;

public sealed class FilePersistenceTests(ITestOutputHelper output) : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string StateFile => _dir.File("test.pers");

    internal static KeyValuePair<string, MessagePackValue> Kv(string key, MessagePackValue value) => new(key, value);

    internal static KeyValuePair<string, MessagePackValue> Kv(string key, long value) => new(key, MessagePackValue.From(value));

    internal static KeyValuePair<string, MessagePackValue> Kv(string key, string? value) =>
        new(key, value is null ? MessagePackValue.Nil : MessagePackValue.From(value));

    internal static byte[] Map(params KeyValuePair<string, MessagePackValue>[] entries) =>
        MessagePackCodec.Encode(MessagePackValue.Map(entries.Select(e => new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From(e.Key), e.Value))));

    private static readonly KeyValuePair<string, MessagePackValue>[] Defaults = [Kv("a", 0), Kv("b", (string?)null)];

    private FilePersistence Open(FilePersistenceOptions? options = null, StorageIo? io = null) =>
        FilePersistence.Open(StateFile, Defaults, options, io ?? StorageIo.Default);

    [Fact]
    public void A_missing_file_is_created_empty_and_reads_as_the_defaults()
    {
        using var state = Open();
        Assert.True(File.Exists(StateFile));
        Assert.Equal(0, new FileInfo(StateFile).Length);
        Assert.Equal(["a", "b"], state.State.Keys);
        Assert.Equal(MessagePackValue.From(0L), state["a"]);
        Assert.True(state["b"].IsNil);
        Assert.Null(state.OffsetOf("a"));
        Assert.Null(state.TornTailOffset);
        Assert.False(state.RollPending);
    }

    [Fact]
    public void Each_update_appends_a_map_of_only_the_changed_keys()
    {
        using (var state = Open())
        {
            state.Update([Kv("a", 1)]);
            state.Update([Kv("b", "x"), Kv("c", 3)]);
            state.Update("a", MessagePackValue.From(2L));
            state.Update([Kv("a", 5), Kv("a", 6)]); // last wins within a batch
            state.Update([]);
            Assert.Equal(MessagePackValue.From(6L), state["a"]);
        }
        var expected = Map(Kv("a", 1)).Concat(Map(Kv("b", "x"), Kv("c", 3))).Concat(Map(Kv("a", 2))).Concat(Map(Kv("a", 6))).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(StateFile));
        using var reopened = Open();
        Assert.Equal(MessagePackValue.From(6L), reopened["a"]);
        Assert.Equal(MessagePackValue.From("x"), reopened["b"]);
        Assert.Equal(MessagePackValue.From(3L), reopened["c"]);
        Assert.Equal(["a", "b", "c"], reopened.State.Keys);
        Assert.Equal(expected.Length, reopened.Length);
        Assert.Equal(expected.Length - Map(Kv("a", 6)).Length, reopened.OffsetOf("a"));
    }

    [Fact]
    public void State_is_an_immutable_snapshot()
    {
        using var state = Open();
        var before = state.State;
        state.Update([Kv("a", 1)]);
        Assert.Equal(MessagePackValue.From(0L), before["a"]);
        Assert.Equal(MessagePackValue.From(1L), state.State["a"]);
    }

    [Fact]
    public void Roll_threshold_is_zmq_raft_s_512_KiB()
    {
        Assert.Equal(524_288, FilePersistence.DefaultRollThreshold);
        Assert.Equal(524_288, new FilePersistenceOptions().RollThreshold);
        Assert.Equal(60, new FilePersistenceOptions().RetainHistoryFiles);
    }

    [Fact]
    public void An_update_that_finds_the_file_at_the_threshold_rolls_it_with_the_whole_state()
    {
        var options = new FilePersistenceOptions { RollThreshold = 22 };
        using var state = Open(options);
        state.Update([Kv("a", "0123456789")]); // 14 bytes
        Assert.False(state.RollPending);
        state.Update([Kv("c", 1)]);             // 4 more: 18 < 22, still appends
        Assert.Equal(18, state.Length);
        Assert.False(state.RollPending);
        state.Update([Kv("c", 2)]);             // 22: the next update rolls
        Assert.True(state.RollPending);
        var old = File.ReadAllBytes(StateFile);
        state.Update([Kv("b", "y")]);
        var whole = Map(Kv("a", "0123456789"), Kv("b", "y"), Kv("c", 2));
        Assert.Equal(whole, File.ReadAllBytes(StateFile));
        Assert.Equal(whole.Length, state.Length);
        Assert.NotNull(state.LastBackupPath);
        Assert.Matches(@"^test\.pers-\d{4}-\d{2}-\d{2}-\d{6}-\d{3}[0-9a-z]+$", Path.GetFileName(state.LastBackupPath));
        Assert.Equal(old, File.ReadAllBytes(state.LastBackupPath));
        Assert.Equal(0, state.OffsetOf("c"));
        state.Update([Kv("a", 1)]);
        Assert.Equal(whole.Concat(Map(Kv("a", 1))), File.ReadAllBytes(StateFile));
        using var reopened = Open(options);
        Assert.Equal(state.State, reopened.State);
    }

    [Fact]
    public void Explicit_roll_and_history_retention()
    {
        var options = new FilePersistenceOptions { RetainHistoryFiles = 2 };
        using var state = Open(options);
        for (var i = 1; i <= 4; i++)
        {
            state.Update([Kv("a", i)]);
            state.Roll();
        }
        Assert.Equal(2, FileRotation.ListHistoryFiles(StateFile).Count);
        Assert.Equal(["test.pers"], _dir.Names().Where(n => !FileRotation.IsHistoryName(n, "test.pers")));
        Assert.Equal(Map(Kv("a", 4), Kv("b", (string?)null)), File.ReadAllBytes(StateFile));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(8)]
    public void A_record_cut_off_at_the_end_is_ignored_and_rolled_away_by_the_next_update(int keep)
    {
        var good = Map(Kv("a", 1)).Concat(Map(Kv("b", "x"))).ToArray();
        var torn = Map(Kv("a", 2), Kv("b", "zz"));
        Assert.True(keep < torn.Length);
        File.WriteAllBytes(StateFile, [.. good, .. torn[..keep]]);
        using (var state = Open())
        {
            Assert.Equal(MessagePackValue.From(1L), state["a"]);
            Assert.Equal(MessagePackValue.From("x"), state["b"]);
            Assert.Equal(good.Length, state.TornTailOffset);
            Assert.Equal(good.Length, state.Length);
            Assert.True(state.RollPending);
            state.Update([Kv("a", 3)]);
            Assert.Null(state.TornTailOffset);
            Assert.Equal([.. good, .. torn[..keep]], File.ReadAllBytes(state.LastBackupPath!));
        }
        Assert.Equal(Map(Kv("a", 3), Kv("b", "x")), File.ReadAllBytes(StateFile));
    }

    [Fact]
    public void A_zero_filled_tail_is_a_torn_append_too()
    {
        var good = Map(Kv("a", 1));
        File.WriteAllBytes(StateFile, [.. good, 0, 0, 0, 0, 0]);
        using var state = Open();
        Assert.Equal(good.Length, state.TornTailOffset);
        Assert.Equal(MessagePackValue.From(1L), state["a"]);
    }

    private StorageException OpenFails(byte[] bytes)
    {
        File.WriteAllBytes(StateFile, bytes);
        var e = Assert.Throws<StorageException>(() => Open());
        Assert.Equal(StateFile, e.FilePath);
        Assert.Contains(StateFile, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void Corruption_in_the_middle_is_a_storage_error_with_its_offset()
    {
        var first = Map(Kv("a", 1));
        var second = Map(Kv("b", "x"));
        Assert.Equal(first.Length, OpenFails([.. first, 0xc1, .. second]).Offset);
        var brokenString = Map(Kv("b", "xyz"));
        brokenString[^4] = 0xc1; // the fixstr header inside the second record
        Assert.Equal(first.Length + brokenString.Length - 4, OpenFails([.. first, .. brokenString, .. second]).Offset);
    }

    [Fact]
    public void A_record_that_is_not_a_map_or_has_a_non_string_key_is_refused()
    {
        var first = Map(Kv("a", 1));
        var e = OpenFails([.. first, 0x05, .. first]);
        Assert.Equal(first.Length, e.Offset);
        Assert.Contains("map", e.Message, StringComparison.Ordinal);
        var intKey = MessagePackCodec.Encode(MessagePackValue.Map(new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From(1L), MessagePackValue.From(2L))));
        Assert.Equal(first.Length, OpenFails([.. first, .. intKey]).Offset);
        Assert.Equal(0, OpenFails("not msgpack at all\n"u8.ToArray()).Offset);
        // A truncated value that cannot start a record is corruption, not a torn append.
        Assert.Equal(first.Length, OpenFails([.. first, 0xa5, (byte)'a']).Offset);
        // A non-zero tail after a zero is not an all-zero torn tail.
        Assert.Equal(first.Length, OpenFails([.. first, 0, 0, 1]).Offset);
    }

    [Fact]
    public void A_failed_append_is_not_acknowledged_and_the_next_update_rolls()
    {
        var io = new FaultyIo();
        using (var state = Open(io: io))
        {
            state.Update([Kv("a", 1)]);
            var length = state.Length;
            io.FailNextWrite = true;
            var e = Assert.Throws<StorageException>(() => state.Update([Kv("a", 2), Kv("b", "lost")]));
            Assert.Equal(StateFile, e.FilePath);
            Assert.Equal(length, e.Offset);
            Assert.Equal(MessagePackValue.From(1L), state["a"]);
            Assert.True(state["b"].IsNil);
            Assert.Equal(length, state.Length);
            Assert.True(state.RollPending);
            Assert.True(new FileInfo(StateFile).Length > length, "the injected fault left half a record behind");

            io.FailNextSync = true;
            Assert.Throws<StorageException>(() => state.Update([Kv("a", 3)]));
            Assert.Equal(MessagePackValue.From(1L), state["a"]);

            state.Update([Kv("c", 4)]);
            Assert.Equal(MessagePackValue.From(1L), state["a"]);
            Assert.Equal(Map(Kv("a", 1), Kv("b", (string?)null), Kv("c", 4)), File.ReadAllBytes(StateFile));
        }
        using var reopened = Open();
        Assert.Equal(MessagePackValue.From(1L), reopened["a"]);
        Assert.Equal(MessagePackValue.From(4L), reopened["c"]);
        Assert.Null(reopened.TornTailOffset);
    }

    [Fact]
    public void A_failed_sync_after_an_append_is_not_acknowledged()
    {
        var io = new FaultyIo();
        using var state = Open(io: io);
        io.FailNextSync = true;
        var e = Assert.Throws<StorageException>(() => state.Update([Kv("a", 9)]));
        Assert.Equal(0, e.Offset);
        Assert.Contains("EIO", e.Message, StringComparison.Ordinal);
        Assert.Equal(MessagePackValue.From(0L), state["a"]);
        Assert.Equal(0, state.Length);
    }

    [Fact]
    public void Leftover_temporary_files_are_removed_on_open()
    {
        File.WriteAllBytes(_dir.File("test.pers.tmp-4242-1"), [1, 2]);
        using var state = Open();
        Assert.Equal(["test.pers"], _dir.Names());
    }

    [Fact]
    public void Disposed_state_refuses_updates()
    {
        var state = Open();
        state.Dispose();
        Assert.Throws<ObjectDisposedException>(() => state.Update([Kv("a", 1)]));
    }

    [Fact]
    public void A_full_disk_fails_the_update_without_changing_the_state()
    {
        using var fs = SmallTmpfs.TryMount(_dir.Path, "64k", out var whyNot);
        if (fs is null)
        {
            output.WriteLine($"SKIPPED {nameof(A_full_disk_fails_the_update_without_changing_the_state)}: {whyNot}");
            return;
        }
        var path = Path.Combine(fs.Path, "raft.pers");
        using (var state = FilePersistence.Open(path, Defaults))
        {
            state.Update([Kv("a", 1)]);
            var filler = fs.Fill(leave: 0);
            var big = new string('x', 20_000);
            var e = Assert.Throws<StorageException>(() => state.Update([Kv("b", big)]));
            Assert.Equal(path, e.FilePath);
            Assert.NotNull(e.Offset);
            output.WriteLine(e.Message);
            Assert.True(state["b"].IsNil);
            Assert.True(state.RollPending);
            // The roll the next update attempts cannot find room either; still nothing is acknowledged.
            Assert.Throws<StorageException>(() => state.Update([Kv("a", 2)]));
            Assert.Equal(MessagePackValue.From(1L), state["a"]);

            File.Delete(filler);
            state.Update([Kv("a", 3)]);
            Assert.Equal(MessagePackValue.From(3L), state["a"]);
        }
        using var reopened = FilePersistence.Open(path, Defaults);
        Assert.Equal(MessagePackValue.From(3L), reopened["a"]);
        Assert.True(reopened["b"].IsNil);
        Assert.Null(reopened.TornTailOffset);
    }
}
