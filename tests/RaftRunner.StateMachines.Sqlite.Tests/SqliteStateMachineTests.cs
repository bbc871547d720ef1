using Microsoft.Data.Sqlite;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using static RaftRunner.StateMachines.Sqlite.Tests.Sql;

namespace RaftRunner.StateMachines.Sqlite.Tests;

public sealed class SqliteStateMachineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private SqliteStateMachine Open(string name = "state.db", SqliteStateMachineOptions? options = null) => new(_dir.File(name), options);

    [Fact]
    public async Task Commands_change_the_database_and_queries_read_it_back_in_sqlite_types()
    {
        using var machine = Open();
        Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 1, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, flag)")).Status);
        var insert = await Run(machine, 2, "INSERT INTO t (name, score, data, flag) VALUES (?, ?, ?, ?), (?1, 2.5, NULL, ?4)", "ann", 2.0, new byte[] { 1, 2 }, true);
        Assert.Equal(new SqliteApplyResult(SqliteApplyStatus.Applied, 2), insert);
        var named = SqliteCommands.Execute("INSERT INTO t (name, score) VALUES (:name, @score)", new Dictionary<string, object?> { ["name"] = "bob", ["@score"] = null });
        Assert.Equal(SqliteApplyStatus.Applied, (await Apply(machine, 3, named)).Status);

        var result = await Query(machine, "SELECT id, name, score, data, flag FROM t WHERE id >= ? ORDER BY id", 1);

        Assert.Equal(["id", "name", "score", "data", "flag"], result.Columns);
        Assert.False(result.Truncated);
        Assert.Equal(3, result.Rows.Count);
        Assert.Equal([1L, "ann", 2.0, new byte[] { 1, 2 }, 1L], result.Rows[0]);
        Assert.Equal([2L, "ann", 2.5, null, 1L], result.Rows[1]);
        Assert.Equal([3L, "bob", null, null, null], result.Rows[2]);
        Assert.IsType<double>(result.Rows[0][2]); // REAL 2.0 stays a float on the way in and out
        Assert.Equal(3, machine.LastAppliedIndex);
        Assert.Equal(3, machine.AppliedEntries);
        Assert.Equal(0, machine.RejectedEntries);
    }

    [Fact]
    public void The_command_format_is_a_map_with_sql_and_args()
    {
        var command = MessagePackCodec.Decode(SqliteCommands.Execute("INSERT INTO t VALUES (?, ?)", 1, "x"));
        Assert.Equal(MessagePackValue.From("INSERT INTO t VALUES (?, ?)"), command.GetProperty("sql"));
        Assert.Equal(MessagePackValue.Array(MessagePackValue.From(1L), MessagePackValue.From("x")), command.GetProperty("args"));
        Assert.False(MessagePackCodec.Decode(SqliteCommands.Query("SELECT 1")).TryGetProperty("args", out _));
        Assert.Throws<ArgumentException>(() => SqliteCommands.Execute("SELECT ?", new object()));
    }

    [Fact]
    public async Task A_command_written_by_msgpack_lite_runs()
    {
        using var machine = Open();
        await Run(machine, 1, "CREATE TABLE t (a, b)");
        // {"sql":"INSERT INTO t VALUES (?, ?)","args":[1,"x"]} as msgpack-lite writes it.
        var bytes = MessagePackCodec.Encode(MessagePackValue.Map(
            new(MessagePackValue.From("sql"), MessagePackValue.From("INSERT INTO t VALUES (?, ?)")),
            new(MessagePackValue.From("args"), MessagePackValue.Array(MessagePackValue.From(1.0), MessagePackValue.From("x")))));
        Assert.Equal(SqliteApplyStatus.Applied, (await Apply(machine, 2, bytes)).Status);
        Assert.Equal([1L, "x"], (await Query(machine, "SELECT a, b FROM t")).Rows[0]);
    }

    [Fact]
    public async Task Bare_question_marks_are_numbered_per_statement_as_sqlite_does()
    {
        using var machine = Open();
        await Run(machine, 1, "CREATE TABLE t (a, b, c)");
        var result = await Run(machine, 2, "INSERT INTO t VALUES (?, ?, ?3); -- a comment with ? in it\nINSERT INTO t VALUES (?2, ?, '?')", "x", "y", "z");
        Assert.Equal(new SqliteApplyResult(SqliteApplyStatus.Applied, 2), result);
        Assert.Equal("a | b | c\nx | y | z\ny | z | ?", await Dump(machine, "t"));
    }

    [Fact]
    public async Task A_command_is_all_or_nothing_and_a_failed_one_still_counts_as_applied()
    {
        using var machine = Open();
        await Run(machine, 1, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        var result = await Run(machine, 2, "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); INSERT INTO t VALUES (1)");

        Assert.Equal(SqliteApplyStatus.Rejected, result.Status);
        Assert.Contains("UNIQUE constraint failed", result.Error, StringComparison.Ordinal);
        Assert.Empty((await Query(machine, "SELECT * FROM t")).Rows);
        Assert.Equal(2, machine.LastAppliedIndex);
        Assert.Equal(2, machine.AppliedEntries);
        Assert.Equal(1, machine.RejectedEntries);
        Assert.Equal(result.Error, machine.LastRejection);
        Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 3, "INSERT INTO t VALUES (1)")).Status);
    }

    [Fact]
    public async Task Bad_entries_are_rejected_the_same_way_on_every_node_and_never_throw()
    {
        byte[][] entries =
        [
            SqliteCommands.Execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)"),
            SqliteCommands.Execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"),
            SqliteCommands.Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v NOT NULL CHECK (v > 0))"),
            SqliteCommands.Execute("CREATE TRIGGER no_13 BEFORE INSERT ON t WHEN NEW.v = 13 BEGIN SELECT RAISE(ROLLBACK, 'unlucky'); END"),
            [0xc1],                                                          // not MessagePack
            MessagePackCodec.Encode(MessagePackValue.From("INSERT INTO t VALUES (1, 1)")), // not a map
            MessagePackCodec.Encode(MessagePackValue.Map(new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("sql"), MessagePackValue.From(5L)))),
            SqliteCommands.Execute("INSRT INTO t VALUES (1, 1)"),            // syntax
            SqliteCommands.Execute("INSERT INTO missing VALUES (1)"),        // no such table
            SqliteCommands.Execute("INSERT INTO t VALUES (?, ?)", 1),        // too few args
            SqliteCommands.Execute("INSERT INTO t VALUES (:id, :v)", new Dictionary<string, object?> { ["id"] = 1 }),
            SqliteCommands.Execute("INSERT INTO t VALUES (:id, 1)", 1),      // named parameter, positional args
            SqliteCommands.Execute("INSERT INTO t VALUES (1, NULL)"),        // NOT NULL
            SqliteCommands.Execute("INSERT INTO t VALUES (1, -1)"),          // CHECK
            SqliteCommands.Execute("INSERT INTO t VALUES ('one', 1)"),       // datatype mismatch
            SqliteCommands.Execute("INSERT INTO t VALUES (1, 13)"),          // RAISE(ROLLBACK) ends the transaction itself
            SqliteCommands.Execute("INSERT INTO child VALUES (1, 99)"),      // deferred foreign key: fails at COMMIT
            SqliteCommands.Execute("VACUUM"),
            SqliteCommands.Execute(" ; -- nothing"),
            SqliteCommands.Execute("INSERT INTO t VALUES (1, 1)"),
        ];
        using var first = Open("first.db");
        using var second = Open("second.db");
        var index = 0L;
        var outcomes = new List<(SqliteApplyResult, SqliteApplyResult)>();
        foreach (var entry in entries)
        {
            index++;
            outcomes.Add((await Apply(first, index, entry), await Apply(second, index, entry)));
        }

        Assert.All(outcomes, pair => Assert.Equal(pair.Item1, pair.Item2));
        var statuses = outcomes.Select(pair => pair.Item1.Status).ToArray();
        Assert.Equal([.. Enumerable.Repeat(SqliteApplyStatus.Applied, 4), .. Enumerable.Repeat(SqliteApplyStatus.Rejected, 15), SqliteApplyStatus.Applied], statuses);
        Assert.All(outcomes.Skip(4).Take(15), pair => Assert.False(string.IsNullOrEmpty(pair.Item1.Error)));
        Assert.Equal(await Dump(first, "t"), await Dump(second, "t"));
        Assert.Equal("id | v\n1 | 1", await Dump(first, "t"));
        Assert.Empty((await Query(first, "SELECT * FROM child")).Rows);
        Assert.Equal(entries.Length, first.LastAppliedIndex);
        Assert.Equal(entries.Length, first.AppliedEntries);
        Assert.Equal(15, first.RejectedEntries);
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES (random())", "random() is not deterministic")]
    [InlineData("INSERT INTO t VALUES (hex(randomblob(8)))", "randomblob() is not deterministic")]
    [InlineData("INSERT INTO t VALUES (\"RANDOM\" ( ))", "random() is not deterministic")]
    [InlineData("INSERT INTO t SELECT sqlite_version()", "sqlite_version() is not deterministic")]
    [InlineData("INSERT INTO t VALUES (total_changes())", "total_changes() is not deterministic")]
    [InlineData("INSERT INTO t VALUES (CURRENT_TIMESTAMP)", "CURRENT_TIMESTAMP reads the clock")]
    [InlineData("INSERT INTO t VALUES (datetime('now'))", "'now' reads the clock")]
    [InlineData("INSERT INTO t VALUES (date( 'NOW ', '+1 day'))", "'now' reads the clock")]
    [InlineData("INSERT INTO t VALUES (julianday())", "julianday() without a time value")]
    [InlineData("INSERT INTO t VALUES (strftime('%s'))", "strftime() without a time value")]
    [InlineData("INSERT INTO t VALUES (time('12:00', 'localtime'))", "'localtime' depends on the node's time zone")]
    [InlineData("CREATE TABLE d (x DEFAULT CURRENT_DATE)", "CURRENT_DATE reads the clock")]
    [InlineData("CREATE TABLE d (x DEFAULT (abs(random())))", "random() is not deterministic")]
    [InlineData("CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET v = random(); END", "random() is not deterministic")]
    [InlineData("INSERT INTO t SELECT r FROM rnd", "random() is not deterministic")] // through a view the text does not show
    public async Task Non_deterministic_sql_is_refused_before_it_runs(string sql, string reason)
    {
        PrepareWithView(_dir.File("state.db"));
        using var machine = Open();

        var result = await Run(machine, 1, sql);

        Assert.Equal(SqliteApplyStatus.Rejected, result.Status);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Empty((await Query(machine, "SELECT * FROM t")).Rows);
        Assert.Empty((await Query(machine, "SELECT name FROM sqlite_schema WHERE name IN ('d', 'tr')")).Rows);
        Assert.Equal(1, machine.LastAppliedIndex);
    }

    [Fact]
    public async Task A_clock_argument_is_refused_too_and_dates_with_values_are_fine()
    {
        using var machine = Open();
        await Run(machine, 1, "CREATE TABLE t (v)");
        Assert.Contains("'now' reads the clock", (await Run(machine, 2, "INSERT INTO t VALUES (datetime(?))", "now")).Error, StringComparison.Ordinal);
        Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 3, "INSERT INTO t VALUES (date(?, '+1 day')), (strftime('%Y', '2020-05-01'))", "2024-02-28")).Status);
        Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 4, "INSERT INTO t VALUES ('now')")).Status);
        Assert.Equal("v\n2024-02-29\n2020\nnow", await Dump(machine, "t"));
        // random() in a query is harmless: queries change nothing.
        Assert.IsType<long>((await Query(machine, "SELECT random()")).Rows[0][0]);
    }

    [Theory]
    [InlineData("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys is not allowed")]
    [InlineData("PRAGMA user_version", "PRAGMA user_version is not allowed")]
    [InlineData("ATTACH DATABASE 'other.db' AS other", "ATTACH and DETACH are not allowed")]
    [InlineData("BEGIN; INSERT INTO t VALUES (1); COMMIT", "runs in a transaction of its own")]
    [InlineData("COMMIT", "runs in a transaction of its own")]
    [InlineData("SAVEPOINT s; INSERT INTO t VALUES (1); RELEASE s", "runs in a transaction of its own")]
    [InlineData("CREATE TEMP TABLE scratch (x)", "TEMP objects are not allowed")]
    [InlineData("UPDATE raft_meta SET last_applied = 99", "raft_meta belongs to the state machine")]
    [InlineData("DELETE FROM raft_meta", "raft_meta belongs to the state machine")]
    [InlineData("DROP TABLE raft_meta", "raft_meta belongs to the state machine")]
    [InlineData("ALTER TABLE raft_meta ADD COLUMN x", "raft_meta belongs to the state machine")]
    [InlineData("CREATE TRIGGER sneaky AFTER UPDATE ON raft_meta BEGIN DELETE FROM t; END", "raft_meta belongs to the state machine")]
    public async Task Statements_that_reach_outside_the_replicated_database_are_refused(string sql, string reason)
    {
        using var machine = Open();
        await Run(machine, 1, "CREATE TABLE t (v)");

        var result = await Run(machine, 2, sql);

        Assert.Equal(SqliteApplyStatus.Rejected, result.Status);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Empty((await Query(machine, "SELECT * FROM t")).Rows);
        Assert.Equal(2, machine.LastAppliedIndex);
        Assert.False(File.Exists(_dir.File("other.db")));
        // Reading the meta table is fine.
        Assert.Equal([2L, 2L], (await Query(machine, "SELECT last_applied, applied_entries FROM raft_meta")).Rows[0]);
    }

    [Fact]
    public async Task Changes_and_last_insert_rowid_start_the_same_in_every_command()
    {
        using var busy = Open("busy.db");
        await Run(busy, 1, "CREATE TABLE t (id INTEGER PRIMARY KEY, changes, rowid_before)");
        await Run(busy, 2, "INSERT INTO t (id) VALUES (40), (41), (42)");
        using (var snapshot = new MemoryStream())
        {
            await busy.WriteSnapshotAsync(snapshot, CancellationToken.None);
            snapshot.Position = 0;
            using var fresh = Open("fresh.db");
            await fresh.RestoreSnapshotAsync(snapshot, CancellationToken.None);
            foreach (var machine in (SqliteStateMachine[])[busy, fresh])
                await Run(machine, 3, "INSERT INTO t (changes, rowid_before) VALUES (changes(), last_insert_rowid())");
            Assert.Equal(await Dump(busy, "t"), await Dump(fresh, "t"));
        }
        Assert.Equal([1L, 0L], (await Query(busy, "SELECT changes, rowid_before FROM t WHERE id = 43")).Rows[0]);
    }

    [Fact]
    public async Task An_endless_command_is_rejected_by_its_instruction_budget()
    {
        using var machine = Open(options: new SqliteStateMachineOptions { MaxInstructionsPerCommand = 1_000_000 });
        await Run(machine, 1, "CREATE TABLE t (v)");

        var result = await Run(machine, 2, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) INSERT INTO t SELECT x FROM c");

        Assert.Equal(SqliteApplyStatus.Rejected, result.Status);
        Assert.Contains("more than 1,000,000 SQLite instructions", result.Error, StringComparison.Ordinal);
        Assert.Empty((await Query(machine, "SELECT * FROM t")).Rows);
        Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 3, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000) INSERT INTO t SELECT x FROM c")).Status);
        Assert.Equal([1000L], (await Query(machine, "SELECT count(*) FROM t")).Rows[0]);
    }

    [Fact]
    public async Task A_cancelled_apply_throws_and_keeps_nothing()
    {
        using var machine = Open(options: new SqliteStateMachineOptions { MaxInstructionsPerCommand = long.MaxValue });
        await Run(machine, 1, "CREATE TABLE t (v)");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var endless = SqliteCommands.Execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) INSERT INTO t SELECT x FROM c");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await machine.ApplyAsync(2, State(endless), cts.Token));

        Assert.Equal(1, machine.LastAppliedIndex);
        Assert.Equal(1, machine.AppliedEntries);
        Assert.Empty((await Query(machine, "SELECT * FROM t")).Rows);
    }

    [Theory]
    [InlineData("DELETE FROM t", "a query is read-only: DELETE is not allowed")]
    [InlineData("INSERT INTO t VALUES (2)", "a query is read-only: INSERT is not allowed")]
    [InlineData("UPDATE t SET v = 2", "a query is read-only: UPDATE is not allowed")]
    [InlineData("CREATE TABLE u (x)", "a query is read-only: INSERT is not allowed")] // into sqlite_schema, the first action
    [InlineData("DROP TABLE t", "a query is read-only: DELETE is not allowed")]
    [InlineData("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys is not allowed")]
    [InlineData("ATTACH DATABASE 'x.db' AS x", "a query is read-only: ATTACH/DETACH is not allowed")]
    [InlineData("BEGIN", "a query is read-only: a transaction is not allowed")]
    [InlineData("SELECT 1; DELETE FROM t", "a query is one SELECT statement, not 2")]
    [InlineData("SELECT * FROM nowhere", "no such table: nowhere")]
    public async Task Queries_are_read_only(string sql, string reason)
    {
        using var machine = Open();
        await Run(machine, 1, "CREATE TABLE t (v)");
        await Run(machine, 2, "INSERT INTO t VALUES (1)");

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await Query(machine, sql));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal("v\n1", await Dump(machine, "t"));
        Assert.Equal(SqliteApplyStatus.Applied, (await Run(machine, 3, "INSERT INTO t VALUES (3)")).Status);
    }

    [Fact]
    public async Task Queries_may_introspect_and_answer_at_most_max_rows()
    {
        using var machine = Open(options: new SqliteStateMachineOptions { MaxRowsReturned = 3 });
        await Run(machine, 1, "CREATE TABLE t (v INTEGER NOT NULL)");
        await Run(machine, 2, "INSERT INTO t VALUES (1), (2), (3), (4), (5)");

        var limited = await Query(machine, "SELECT v FROM t ORDER BY v");
        Assert.True(limited.Truncated);
        Assert.Equal([1L, 2L, 3L], limited.Rows.Select(row => row[0]));
        var exact = await Query(machine, "SELECT v FROM t WHERE v > 2 ORDER BY v");
        Assert.False(exact.Truncated);
        Assert.Equal(3, exact.Rows.Count);
        Assert.Equal([0L, "v", "INTEGER", 1L, null, 0L], (await Query(machine, "SELECT * FROM pragma_table_info('t')")).Rows[0]);
        Assert.Equal(["v"], (await Query(machine, "PRAGMA table_info(t)")).Rows.Select(row => row[1]));
    }

    [Fact]
    public async Task A_malformed_query_is_an_error_not_an_answer()
    {
        using var machine = Open();
        await Assert.ThrowsAsync<InvalidDataException>(async () => await machine.QueryAsync(new byte[] { 0xc1 }, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await machine.QueryAsync(SqliteCommands.Query("SELECT ?"), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await machine.QueryAsync(SqliteCommands.Query("  "), CancellationToken.None));
    }

    [Fact]
    public async Task The_applied_index_is_in_the_database_and_survives_a_reopen()
    {
        var path = _dir.File("state.db");
        using (var machine = new SqliteStateMachine(path))
        {
            Assert.Equal(0, machine.LastAppliedIndex);
            await Run(machine, 5, "CREATE TABLE t (v)");
            await Run(machine, 7, "INSERT INTO t VALUES (7)");
            await Run(machine, 8, "INSERT INTO nowhere VALUES (8)"); // rejected, but applied
        }
        using (var reopened = new SqliteStateMachine(path))
        {
            Assert.Equal(8, reopened.LastAppliedIndex);
            Assert.Equal(3, reopened.AppliedEntries);
            Assert.Equal(new SqliteApplyResult(SqliteApplyStatus.AlreadyApplied), await Run(reopened, 7, "INSERT INTO t VALUES (7)"));
            Assert.Equal(new SqliteApplyResult(SqliteApplyStatus.AlreadyApplied), await Run(reopened, 8, "INSERT INTO t VALUES (8)"));
            var config = LogEntry.Create(RequestId.New(), LogEntryType.Config, 1, [0x90]);
            Assert.Equal(new SqliteApplyResult(SqliteApplyStatus.Ignored), await reopened.ApplyAsync(9, config, CancellationToken.None));
            Assert.Equal(SqliteApplyStatus.Applied, (await Run(reopened, 10, "INSERT INTO t VALUES (10)")).Status);
            Assert.Equal("v\n7\n10", await Dump(reopened, "t"));
            Assert.Equal(10, reopened.LastAppliedIndex);
            Assert.Equal(4, reopened.AppliedEntries);
        }
        using var again = new SqliteStateMachine(path);
        Assert.Equal(10, again.LastAppliedIndex);
        Assert.Equal(4, again.AppliedEntries);
    }

    [Fact]
    public async Task The_state_machine_interface_applies_state_entries_without_moving_the_index()
    {
        using var machine = Open();
        await Run(machine, 3, "CREATE TABLE t (v)");
        await machine.ApplyAsync(State(SqliteCommands.Execute("INSERT INTO t VALUES (1)")), CancellationToken.None);
        await machine.ApplyAsync(State(SqliteCommands.Execute("INSERT INTO nowhere VALUES (1)")), CancellationToken.None);
        await machine.ApplyAsync(LogEntry.Checkpoint(1), CancellationToken.None);

        Assert.Equal("v\n1", await Dump(machine, "t"));
        Assert.Equal(3, machine.LastAppliedIndex);
        Assert.Equal(3, machine.AppliedEntries);
        Assert.Equal(1, machine.RejectedEntries);
    }

    [Fact]
    public async Task An_existing_database_gets_its_meta_table_and_keeps_its_data()
    {
        var path = _dir.File("existing.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (v); INSERT INTO t VALUES ('kept')";
            command.ExecuteNonQuery();
        }
        using var machine = new SqliteStateMachine(path);
        Assert.Equal(0, machine.LastAppliedIndex);
        Assert.Equal("v\nkept", await Dump(machine, "t"));
    }

    [Fact]
    public async Task A_disposed_state_machine_refuses_calls()
    {
        var machine = Open();
        machine.Dispose();
        Assert.Throws<InvalidOperationException>(() => machine.ApplyAsync(1, State(SqliteCommands.Execute("SELECT 1")), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await machine.QueryAsync(SqliteCommands.Query("SELECT 1"), CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await machine.RestoreSnapshotAsync(new MemoryStream(), CancellationToken.None));
    }

    /// <summary>A database with table t and a view hiding random(), made outside the state machine.</summary>
    private static void PrepareWithView(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (v); CREATE VIEW rnd AS SELECT random() AS r";
        command.ExecuteNonQuery();
    }
}
