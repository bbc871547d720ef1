using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.StateMachines.Sqlite;

/// <summary>
/// A state machine that is a SQLite database file (the seed's own example): STATE entries are SQL commands with
/// parameters, queries are read-only SELECTs, and a snapshot is a consistent copy of the database file.
/// <see cref="SqliteCommands"/> builds both and documents the format. Each command runs in one transaction together
/// with an update of the <see cref="MetaTable"/> row, so the database itself knows how far it got
/// (<see cref="LastAppliedIndex"/>, <see cref="AppliedEntries"/>) and a crash never separates the two.
/// </summary>
/// <remarks>
/// <para><b>Determinism.</b> Every node must end with the same database, so a command whose result could differ is
/// rejected before it runs, the same way on every node (a best-effort check, see <c>README.md</c>): functions such as
/// <c>random()</c>, <c>randomblob()</c>, <c>sqlite_version()</c>, <c>total_changes()</c>; the clock
/// (<c>CURRENT_TIMESTAMP</c> — also as a column default —, <c>date('now')</c>, <c>datetime()</c> without a value,
/// the <c>'localtime'</c>/<c>'utc'</c> modifiers, also given as arguments); PRAGMA, ATTACH, transactions and
/// savepoints, TEMP objects, and writes to <see cref="MetaTable"/>. What it cannot see — e.g. a 'now' read from a
/// column at run time — is the application's to avoid. <c>changes()</c> and <c>last_insert_rowid()</c> are
/// deterministic here: every command starts after the same one-row write (1 change, rowid 0).</para>
/// <para><b>Failures.</b> Bad entry data or SQL never throws: a command that is refused or fails the same way on
/// every node (syntax, missing table, constraint, type mismatch, over <see cref="SqliteStateMachineOptions.MaxInstructionsPerCommand"/>)
/// is rolled back whole, logged, counted in <see cref="RejectedEntries"/>, and still counts as applied. Failures of
/// the node rather than the command (disk full, I/O errors, cancellation) throw, as <see cref="IStateMachine"/>
/// asks: the applier then needs a snapshot restored.</para>
/// <para><b>Threading.</b> The <see cref="IStateMachine"/> methods and <see cref="ApplyAsync(long, LogEntry, CancellationToken)"/>
/// are called one at a time (the applier's rule) and share one connection; <see cref="LastAppliedIndex"/>,
/// <see cref="AppliedEntries"/>, <see cref="RejectedEntries"/> and <see cref="LastRejection"/> may be read from any
/// thread. One instance per database file: two would overwrite each other's snapshots and restores.</para>
/// <para><b>Durability.</b> WAL with <c>synchronous=NORMAL</c>: a power cut may lose the last commits but never
/// splits a command from its <see cref="MetaTable"/> update, so <see cref="LastAppliedIndex"/> always says what the
/// file holds. Foreign keys are enforced (<c>PRAGMA foreign_keys=ON</c> on every node).</para>
/// </remarks>
public sealed partial class SqliteStateMachine : IDurableStateMachine, IDisposable
{
    /// <summary>The state machine's own table: one row (<c>id</c> 0) with <c>last_applied</c> and <c>applied_entries</c>.</summary>
    public const string MetaTable = "raft_meta";

    private const string WriteMetaSql = "INSERT OR REPLACE INTO " + MetaTable + " (id, last_applied, applied_entries) VALUES (0, $last_applied, $applied_entries)";

    // SQLite's primary result codes for failures that depend only on the SQL and the database's content.
    private const int SqliteError = 1, SqliteAbort = 4, SqliteInterrupt = 9, SqliteTooBig = 18, SqliteConstraint = 19,
        SqliteMismatch = 20, SqliteAuth = 23, SqliteRange = 25;

    private readonly string _path;
    private readonly SqliteStateMachineOptions _options;
    private readonly ILogger _log;
    private readonly SqliteGuard _guard = new();
    private SqliteConnection? _connection;
    private long _lastApplied;
    private long _appliedEntries;
    private long _rejected;
    private string? _lastRejection;
    private bool _disposed;

    /// <summary>
    /// Opens (or creates) the database at <paramref name="databasePath"/>, adds <see cref="MetaTable"/> if it is
    /// missing and reads the applied index from it. Temporary files a crash left beside it are deleted.
    /// </summary>
    public SqliteStateMachine(string databasePath, SqliteStateMachineOptions? options = null, ILogger<SqliteStateMachine>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        _options = options ?? SqliteStateMachineOptions.Default;
        _options.Validate();
        _log = logger ?? (ILogger)NullLogger.Instance;
        _path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        DeleteLeftovers();
        Open();
    }

    /// <summary>The database file's full path.</summary>
    public string DatabasePath => _path;

    /// <summary>
    /// The log index of the last entry applied through <see cref="ApplyAsync(long, LogEntry, CancellationToken)"/>,
    /// as the database records it (read at open and after a restore; 0 for none). It survives restarts with the file,
    /// which is what exactly-once apply across restarts needs: a caller that knows entry indices skips those not above
    /// it. The node does exactly that (<see cref="IDurableStateMachine"/>): it applies through the indexed overload
    /// and, after a restart, goes on from this index instead of restoring the snapshot and replaying the log.
    /// </summary>
    public long LastAppliedIndex => Interlocked.Read(ref _lastApplied);

    /// <summary>STATE entries applied (rejected ones included) over the database's whole history, as it records it.</summary>
    public long AppliedEntries => Interlocked.Read(ref _appliedEntries);

    /// <summary>Entries rejected since this instance was created.</summary>
    public long RejectedEntries => Interlocked.Read(ref _rejected);

    /// <summary>Why the last rejected entry was rejected (null when none was).</summary>
    public string? LastRejection => Volatile.Read(ref _lastRejection);

    private SqliteConnection Connection =>
        _connection ?? throw new InvalidOperationException(_disposed
            ? "the SQLite state machine is disposed"
            : "the SQLite database is closed after a failed restore; restore a snapshot first");

    /// <summary>
    /// Applies one STATE entry (other types are ignored): the <see cref="IStateMachine"/> entry point. The result is
    /// the <see cref="SqliteApplyResult"/> (a rejected command is a result, not an exception: every node rejects it).
    /// </summary>
    public ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct) =>
        new(entry.Type == LogEntryType.State ? Guarded(null, entry, ct) : new SqliteApplyResult(SqliteApplyStatus.Ignored));

    /// <summary>
    /// Applies the entry at log index <paramref name="index"/> exactly once: an index not above
    /// <see cref="LastAppliedIndex"/> is <see cref="SqliteApplyStatus.AlreadyApplied"/> and skipped; a CONFIG or
    /// CHECKPOINT entry only records its index. Indices may skip (entries that are not given here) but not go back.
    /// The node calls it through <see cref="IDurableStateMachine"/>.
    /// </summary>
    /// <summary>The node's indexed apply (exactly once across restarts): the public overload, its result boxed.</summary>
    ValueTask<object?> IDurableStateMachine.ApplyAsync(long index, LogEntry entry, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(index);
        return new(Guarded(index, entry, ct));
    }

    /// <summary>
    /// For the node: a failure that is not a rejection (the disk, the database file) happened on this node only and
    /// left the entry unrecorded, so the node must restore a snapshot rather than count the entry as applied.
    /// </summary>
    private SqliteApplyResult Guarded(long? index, LogEntry entry, CancellationToken ct)
    {
        try
        {
            return Apply(index, entry, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StateMachineCorruptException($"the SQLite state machine failed to apply the entry at index {index?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(unindexed)"}: {e.Message}", e);
        }
    }

    public ValueTask<SqliteApplyResult> ApplyAsync(long index, LogEntry entry, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(index);
        return new(Apply(index, entry, ct));
    }

    public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct)
    {
        var connection = Connection;
        if (!SqlRequest.TryParse(request.Span, out var query, out var error))
            throw new InvalidDataException($"the query is refused: {error}");
        if (query.Scan.Statements != 1)
            throw new InvalidDataException($"a query is one SELECT statement, not {query.Scan.Statements}");
        using var scope = _guard.Enter(SqliteGuardMode.Query, long.MaxValue, ct);
        try
        {
            using var command = CreateCommand(connection, null, query);
            using var reader = command.ExecuteReader();
            var columns = new string[reader.FieldCount];
            for (var i = 0; i < columns.Length; i++)
                columns[i] = reader.GetName(i);
            var rows = new List<MessagePackValue>();
            var truncated = false;
            var cells = new MessagePackValue[columns.Length];
            while (reader.Read())
            {
                if (rows.Count == _options.MaxRowsReturned)
                {
                    truncated = true;
                    break;
                }
                for (var i = 0; i < cells.Length; i++)
                    cells[i] = SqliteValues.FromColumn(reader.GetValue(i));
                rows.Add(MessagePackValue.Array(cells));
            }
            return new(SqliteCommands.EncodeQueryResult(columns, rows, truncated));
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteAuth or SqliteError && _guard.Denial is { } denial)
        {
            throw new InvalidDataException($"the query is refused: {denial}", e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteInterrupt && ct.IsCancellationRequested)
        {
            throw new OperationCanceledException("the query was cancelled", e, ct);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _connection?.Dispose();
        _connection = null;
    }

    private SqliteApplyResult Apply(long? index, LogEntry entry, CancellationToken ct)
    {
        var connection = Connection;
        ct.ThrowIfCancellationRequested();
        if (index <= _lastApplied)
            return new(SqliteApplyStatus.AlreadyApplied);
        if (entry.Type != LogEntryType.State)
        {
            Record(connection, index, countEntry: false);
            return new(SqliteApplyStatus.Ignored);
        }
        string? rejection;
        long rows = 0;
        if (!SqlRequest.TryParse(entry.Data.Span, out var command, out rejection))
            rejection = $"not a command: {rejection}";
        else
            rejection = command.NonDeterminism() ?? Execute(connection, index, command, ct, out rows);
        if (rejection is null)
            return new(SqliteApplyStatus.Applied, rows);
        Record(connection, index, countEntry: true);
        Reject(index, entry, rejection);
        return new(SqliteApplyStatus.Rejected, 0, rejection);
    }

    /// <summary>Runs a command and its <see cref="MetaTable"/> update in one transaction; the reason when it was rejected.</summary>
    private string? Execute(SqliteConnection connection, long? index, SqlRequest command, CancellationToken ct, out long rows)
    {
        rows = 0;
        var lastApplied = index ?? _lastApplied;
        var appliedEntries = _appliedEntries + 1;
        using (var transaction = connection.BeginTransaction())
        {
            // Written first: every command then starts with changes() = 1 and last_insert_rowid() = 0.
            WriteMeta(connection, transaction, lastApplied, appliedEntries);
            try
            {
                using (_guard.Enter(SqliteGuardMode.Command, _options.MaxInstructionsPerCommand, ct))
                using (var sql = CreateCommand(connection, transaction, command))
                    rows = Math.Max(0, sql.ExecuteNonQuery());
                transaction.Commit();
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteInterrupt && !_guard.BudgetExceeded)
            {
                throw new OperationCanceledException("applying the command was cancelled", e, ct);
            }
            catch (Exception e) when (Rejection(e) is { } reason)
            {
                // Disposing the transaction rolls the command back (unless SQLite already did, e.g. RAISE(ROLLBACK)).
                rows = 0;
                return reason;
            }
        }
        Advance(lastApplied, appliedEntries);
        return null;
    }

    /// <summary>The reason for a failure that every node meets the same way, or null for a failure of this node.</summary>
    private string? Rejection(Exception e) => e switch
    {
        // A refusal of the authorizer comes as SQLITE_AUTH, or as SQLITE_ERROR for a function.
        SqliteException { SqliteErrorCode: SqliteAuth or SqliteError } when _guard.Denial is { } denial => denial,
        SqliteException { SqliteErrorCode: SqliteInterrupt } when _guard.BudgetExceeded =>
            $"the command ran more than {_options.MaxInstructionsPerCommand:N0} SQLite instructions",
        SqliteException { SqliteErrorCode: SqliteError or SqliteAbort or SqliteTooBig or SqliteConstraint or SqliteMismatch or SqliteAuth or SqliteRange } sqlite => sqlite.Message,
        // Microsoft.Data.Sqlite's own checks of the SQL (e.g. a parameter the scan did not see).
        InvalidOperationException => e.Message,
        _ => null,
    };

    /// <summary>Records an entry that ran nothing (ignored or rejected) in a transaction of its own.</summary>
    private void Record(SqliteConnection connection, long? index, bool countEntry)
    {
        var lastApplied = index ?? _lastApplied;
        var appliedEntries = _appliedEntries + (countEntry ? 1 : 0);
        using (var transaction = connection.BeginTransaction())
        {
            WriteMeta(connection, transaction, lastApplied, appliedEntries);
            transaction.Commit();
        }
        Advance(lastApplied, appliedEntries);
    }

    private void Advance(long lastApplied, long appliedEntries)
    {
        Interlocked.Exchange(ref _lastApplied, lastApplied);
        Interlocked.Exchange(ref _appliedEntries, appliedEntries);
    }

    private void Reject(long? index, LogEntry entry, string reason)
    {
        Volatile.Write(ref _lastRejection, reason);
        var at = index?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";
        if (Interlocked.Increment(ref _rejected) == 1)
            _log.LogWarning("Rejected a STATE entry (index {Index}, request id {RequestId}, {Size} bytes): {Reason}. It counts as applied; further rejections are logged at debug level", at, entry.RequestId, entry.Data.Length, reason);
        else
            _log.LogDebug("Rejected a STATE entry (index {Index}, request id {RequestId}): {Reason}", at, entry.RequestId, reason);
    }

    private static SqliteCommand CreateCommand(SqliteConnection connection, SqliteTransaction? transaction, SqlRequest request)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = request.Scan.Sql;
        foreach (var (name, value) in request.Parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static void WriteMeta(SqliteConnection connection, SqliteTransaction transaction, long lastApplied, long appliedEntries)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = WriteMetaSql;
        command.Parameters.AddWithValue("$last_applied", lastApplied);
        command.Parameters.AddWithValue("$applied_entries", appliedEntries);
        command.ExecuteNonQuery();
    }

    private void Open()
    {
        var connection = OpenDatabase(_path, out var lastApplied, out var appliedEntries);
        _guard.Install(connection);
        _connection = connection;
        Advance(lastApplied, appliedEntries);
    }

    /// <summary>Opens a database the way every node does, with <see cref="MetaTable"/> in place, and reads its row.</summary>
    private static SqliteConnection OpenDatabase(string path, out long lastApplied, out long appliedEntries)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // closing must close the file: a restore replaces it
        }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;" +
                "CREATE TABLE IF NOT EXISTS " + MetaTable + " (id INTEGER PRIMARY KEY CHECK (id = 0), last_applied INTEGER NOT NULL, applied_entries INTEGER NOT NULL);" +
                "INSERT OR IGNORE INTO " + MetaTable + " (id, last_applied, applied_entries) VALUES (0, 0, 0);" +
                "SELECT last_applied, applied_entries FROM " + MetaTable + " WHERE id = 0;";
            using var reader = command.ExecuteReader();
            // The first result is journal_mode's; the SELECT's is the last.
            lastApplied = appliedEntries = 0;
            do
            {
                if (reader.FieldCount == 2 && reader.Read())
                {
                    lastApplied = reader.GetInt64(0);
                    appliedEntries = reader.GetInt64(1);
                }
            }
            while (reader.NextResult());
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
