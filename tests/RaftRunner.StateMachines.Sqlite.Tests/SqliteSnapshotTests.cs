using static RaftRunner.StateMachines.Sqlite.Tests.Sql;

namespace RaftRunner.StateMachines.Sqlite.Tests;

public sealed class SqliteSnapshotTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private IEnumerable<string> Files() => Directory.EnumerateFiles(_dir.Path).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal);

    private static async Task<byte[]> Snapshot(SqliteStateMachine machine)
    {
        using var stream = new MemoryStream();
        await machine.WriteSnapshotAsync(stream, CancellationToken.None);
        return stream.ToArray();
    }

    private static async Task Restore(SqliteStateMachine machine, byte[] snapshot)
    {
        using var stream = new MemoryStream(snapshot, writable: false);
        await machine.RestoreSnapshotAsync(stream, CancellationToken.None);
    }

    private static async Task Fill(SqliteStateMachine machine)
    {
        await Run(machine, 1, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, photo BLOB)");
        await Run(machine, 2, "CREATE INDEX people_name ON people (name)");
        await Run(machine, 3, "INSERT INTO people (name, score, photo) VALUES (?, ?, ?), ('bob', NULL, x'00ff')", "ann", 1.5, new byte[] { 9, 8, 7 });
        await Run(machine, 4, "INSERT INTO nowhere VALUES (1)"); // rejected: counts all the same
        await Run(machine, 6, "UPDATE people SET score = 2.0 WHERE name = 'bob'");
    }

    [Fact]
    public async Task A_snapshot_restored_into_a_fresh_instance_answers_the_same_queries_at_the_same_index()
    {
        using var source = new SqliteStateMachine(_dir.File("source.db"));
        await Fill(source);
        var snapshot = await Snapshot(source);

        using var target = new SqliteStateMachine(_dir.File("target.db"));
        await Run(target, 1, "CREATE TABLE other (x)"); // replaced whole
        await Restore(target, snapshot);

        Assert.Equal(await Dump(source, "people"), await Dump(target, "people"));
        Assert.Equal("id | name | score | photo\n1 | ann | 1.5r | x'090807'\n2 | bob | 2r | x'00FF'", await Dump(target, "people"));
        Assert.Equal(6, target.LastAppliedIndex);
        Assert.Equal(5, target.AppliedEntries);
        var schema = "SELECT type, name, sql FROM sqlite_schema ORDER BY name";
        Assert.Equal((await Query(source, schema)).Rows, (await Query(target, schema)).Rows);
        // Both go on the same way.
        foreach (var machine in (SqliteStateMachine[])[source, target])
            Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 7, "INSERT INTO people (name) VALUES ('cy')")).Status);
        Assert.Equal(await Dump(source, "people"), await Dump(target, "people"));
        Assert.Equal(SqliteApplyStatus.AlreadyApplied, (await Run(target, 6, "DELETE FROM people")).Status);
    }

    [Fact]
    public async Task A_restored_database_is_what_a_reopen_finds()
    {
        using var source = new SqliteStateMachine(_dir.File("source.db"));
        await Fill(source);
        var snapshot = await Snapshot(source);
        var path = _dir.File("target.db");
        using (var target = new SqliteStateMachine(path))
            await Restore(target, snapshot);

        using var reopened = new SqliteStateMachine(path);
        Assert.Equal(6, reopened.LastAppliedIndex);
        Assert.Equal(await Dump(source, "people"), await Dump(reopened, "people"));
    }

    [Fact]
    public async Task An_empty_snapshot_restores_the_initial_state()
    {
        using var machine = new SqliteStateMachine(_dir.File("state.db"));
        await Fill(machine);

        await Restore(machine, []);

        Assert.Equal(0, machine.LastAppliedIndex);
        Assert.Equal(0, machine.AppliedEntries);
        Assert.Equal(["raft_meta"], (await Query(machine, "SELECT name FROM sqlite_schema")).Rows.Select(row => row[0]));
        Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 1, "CREATE TABLE people (id)")).Status);
    }

    [Fact]
    public async Task A_snapshot_that_is_not_a_sound_database_is_refused_and_the_old_one_kept()
    {
        using var machine = new SqliteStateMachine(_dir.File("state.db"));
        await Fill(machine);
        var snapshot = await Snapshot(machine);
        var before = await Dump(machine, "people");

        await Assert.ThrowsAsync<InvalidDataException>(() => Restore(machine, "{\"op\":\"set\"}"u8.ToArray()));
        var damaged = snapshot.ToArray();
        damaged.AsSpan(100, damaged.Length - 100).Fill(0x5a); // header intact, every page garbage
        await Assert.ThrowsAsync<InvalidDataException>(() => Restore(machine, damaged));

        Assert.Equal(before, await Dump(machine, "people"));
        Assert.Equal(6, machine.LastAppliedIndex);
        Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 7, "DELETE FROM people")).Status);
        Assert.Equal(["state.db"], Files().Where(name => !name.EndsWith("-wal", StringComparison.Ordinal) && !name.EndsWith("-shm", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Snapshots_and_restores_leave_no_temporary_files_and_a_crash_leftover_is_removed_at_open()
    {
        var path = _dir.File("state.db");
        await File.WriteAllBytesAsync(path + ".snapshot-0123.tmp", [1, 2, 3]);
        await File.WriteAllBytesAsync(path + ".restore-4567.tmp-journal", [1, 2, 3]);
        await File.WriteAllBytesAsync(_dir.File("unrelated.tmp"), [1]);
        using var machine = new SqliteStateMachine(path);
        await Fill(machine);

        await Restore(machine, await Snapshot(machine));

        Assert.Equal(["state.db", "unrelated.tmp"], Files().Where(name => !name.EndsWith("-wal", StringComparison.Ordinal) && !name.EndsWith("-shm", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_snapshot_can_be_opened_as_a_plain_sqlite_file()
    {
        using var machine = new SqliteStateMachine(_dir.File("state.db"));
        await Fill(machine);
        var copy = _dir.File("copy.db");
        await File.WriteAllBytesAsync(copy, await Snapshot(machine));

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM people), (SELECT last_applied FROM raft_meta)";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(2, reader.GetInt64(0));
        Assert.Equal(6, reader.GetInt64(1));
    }

    [Fact]
    public async Task A_restore_that_is_cancelled_keeps_the_old_database()
    {
        using var machine = new SqliteStateMachine(_dir.File("state.db"));
        await Fill(machine);
        var snapshot = await Snapshot(machine);
        await Run(machine, 7, "DELETE FROM people");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        using var stream = new MemoryStream(snapshot);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await machine.RestoreSnapshotAsync(stream, cts.Token));

        Assert.Equal(7, machine.LastAppliedIndex);
        Assert.Empty((await Query(machine, "SELECT * FROM people")).Rows);
    }
}
