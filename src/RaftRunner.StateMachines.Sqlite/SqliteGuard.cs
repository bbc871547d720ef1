using System.Collections.Frozen;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace RaftRunner.StateMachines.Sqlite;

/// <summary>
/// SQLite's authorizer and progress handler on the state machine's connection, active only while a command's or a
/// query's own SQL runs (<see cref="Enter"/>). The authorizer is asked for every action of every statement as it is
/// prepared — including those of the views it reads and the triggers it fires — so it sees what the text hides.
/// </summary>
/// <remarks>
/// <para><b>Commands</b> may not: call a function that is not deterministic (<see cref="SqlScanner.NonDeterministicFunctions"/>);
/// run a PRAGMA (it changes the connection, which is not replicated, or reads node-local facts); ATTACH or DETACH
/// another file; BEGIN, COMMIT, ROLLBACK or use savepoints (every command is one transaction of its own); create
/// TEMP objects (they live in the connection, not in the database file, so a snapshot or a restart loses them); or
/// write, alter, drop or add a trigger to <see cref="SqliteStateMachine.MetaTable"/>.</para>
/// <para><b>Queries</b> may only read: SELECT (with CTEs, including recursive ones), any function except
/// <c>load_extension</c>, and the introspection pragmas (<c>pragma_table_info(…)</c> and the like).</para>
/// <para>The progress handler stops a command that runs more VM instructions than its budget — the same number on
/// every node running the same SQLite build, so an endless recursive CTE is refused everywhere instead of hanging
/// every node — and stops any statement whose token is cancelled.</para>
/// </remarks>
internal sealed class SqliteGuard
{
    /// <summary>How many VM instructions pass between calls of the progress handler.</summary>
    internal const int ProgressInterval = 1000;

    private const int Ok = 0;
    private const int Deny = 1;

    private static readonly FrozenSet<string> IntrospectionPragmas = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list");

    // Kept in fields: native code holds only the delegates' function pointers.
    private readonly strdelegate_authorizer _authorizer;
    private readonly delegate_progress _progress;
    private SqliteGuardMode _mode;
    private long _budget;
    private long _spent;
    private CancellationToken _cancellation;

    public SqliteGuard()
    {
        _authorizer = Authorize;
        _progress = Progress;
    }

    /// <summary>Why the authorizer last refused an action (set until the next <see cref="Enter"/>).</summary>
    public string? Denial { get; private set; }

    /// <summary>Whether the progress handler stopped the statement for running over its budget.</summary>
    public bool BudgetExceeded { get; private set; }

    public void Install(SqliteConnection connection)
    {
        raw.sqlite3_set_authorizer(connection.Handle, _authorizer, null);
        raw.sqlite3_progress_handler(connection.Handle, ProgressInterval, _progress, null);
    }

    /// <summary>Checks statements as <paramref name="mode"/> until the returned scope is disposed.</summary>
    public Scope Enter(SqliteGuardMode mode, long instructionBudget, CancellationToken ct)
    {
        _mode = mode;
        _budget = instructionBudget;
        _spent = 0;
        _cancellation = ct;
        Denial = null;
        BudgetExceeded = false;
        return new Scope(this);
    }

    private int Authorize(object userData, int action, string? first, string? second, string? database, string? trigger) => _mode switch
    {
        SqliteGuardMode.Command => AuthorizeCommand(action, first, second),
        SqliteGuardMode.Query => AuthorizeQuery(action, first, second),
        _ => Ok,
    };

    private int AuthorizeCommand(int action, string? first, string? second)
    {
        // The arguments by action are listed at https://sqlite.org/c3ref/c_alter_table.html.
        switch (action)
        {
            case SQLITE_FUNCTION when second is not null && SqlScanner.NonDeterministicFunctions.Contains(second):
                return Refuse($"{second.ToLowerInvariant()}() is not deterministic");
            case SQLITE_PRAGMA:
                return Refuse($"PRAGMA {first} is not allowed in a command: it changes or reads the node's connection, which is not replicated");
            case SQLITE_ATTACH or SQLITE_DETACH:
                return Refuse("ATTACH and DETACH are not allowed: only the replicated database may change");
            case SQLITE_TRANSACTION or SQLITE_SAVEPOINT:
                return Refuse("a command runs in a transaction of its own: BEGIN, COMMIT, ROLLBACK and savepoints are not allowed");
            case SQLITE_CREATE_TEMP_INDEX or SQLITE_CREATE_TEMP_TABLE or SQLITE_CREATE_TEMP_TRIGGER or SQLITE_CREATE_TEMP_VIEW:
                return Refuse("TEMP objects are not allowed: they live in one node's connection, not in the replicated database");
            case SQLITE_INSERT or SQLITE_UPDATE or SQLITE_DELETE or SQLITE_DROP_TABLE when IsMeta(first):
            case SQLITE_ALTER_TABLE or SQLITE_CREATE_TRIGGER when IsMeta(second):
                return Refuse($"{SqliteStateMachine.MetaTable} belongs to the state machine: commands may read it, not change it");
            default:
                return Ok;
        }
    }

    private int AuthorizeQuery(int action, string? first, string? second) => action switch
    {
        SQLITE_SELECT or SQLITE_READ or SQLITE_RECURSIVE => Ok,
        SQLITE_FUNCTION when !string.Equals(second, "load_extension", StringComparison.OrdinalIgnoreCase) => Ok,
        SQLITE_PRAGMA when first is not null && IntrospectionPragmas.Contains(first) => Ok,
        SQLITE_PRAGMA => Refuse($"a query is read-only: PRAGMA {first} is not allowed"),
        _ => Refuse($"a query is read-only: {ActionName(action)} is not allowed"),
    };

    private int Progress(object userData)
    {
        if (_mode == SqliteGuardMode.Off)
            return 0;
        if (_cancellation.IsCancellationRequested)
            return 1;
        _spent += ProgressInterval;
        if (_spent <= _budget)
            return 0;
        BudgetExceeded = true;
        return 1;
    }

    private int Refuse(string reason)
    {
        Denial ??= reason;
        return Deny;
    }

    private static bool IsMeta(string? table) => string.Equals(table, SqliteStateMachine.MetaTable, StringComparison.OrdinalIgnoreCase);

    private static string ActionName(int action) => action switch
    {
        SQLITE_INSERT => "INSERT",
        SQLITE_UPDATE => "UPDATE",
        SQLITE_DELETE => "DELETE",
        SQLITE_TRANSACTION or SQLITE_SAVEPOINT => "a transaction",
        SQLITE_ATTACH or SQLITE_DETACH => "ATTACH/DETACH",
        >= SQLITE_CREATE_INDEX and <= SQLITE_CREATE_VIEW or SQLITE_CREATE_VTABLE => "CREATE",
        >= SQLITE_DROP_INDEX and <= SQLITE_DROP_VIEW or SQLITE_DROP_VTABLE => "DROP",
        _ => $"action {action}",
    };

    // SQLite's authorizer action codes (sqlite3.h).
    private const int SQLITE_CREATE_INDEX = 1;
    private const int SQLITE_CREATE_TEMP_INDEX = 3;
    private const int SQLITE_CREATE_TEMP_TABLE = 4;
    private const int SQLITE_CREATE_TEMP_TRIGGER = 5;
    private const int SQLITE_CREATE_TEMP_VIEW = 6;
    private const int SQLITE_CREATE_TRIGGER = 7;
    private const int SQLITE_CREATE_VIEW = 8;
    private const int SQLITE_DELETE = 9;
    private const int SQLITE_DROP_INDEX = 10;
    private const int SQLITE_DROP_TABLE = 11;
    private const int SQLITE_DROP_VIEW = 17;
    private const int SQLITE_INSERT = 18;
    private const int SQLITE_PRAGMA = 19;
    private const int SQLITE_READ = 20;
    private const int SQLITE_SELECT = 21;
    private const int SQLITE_TRANSACTION = 22;
    private const int SQLITE_UPDATE = 23;
    private const int SQLITE_ATTACH = 24;
    private const int SQLITE_DETACH = 25;
    private const int SQLITE_ALTER_TABLE = 26;
    private const int SQLITE_CREATE_VTABLE = 29;
    private const int SQLITE_DROP_VTABLE = 30;
    private const int SQLITE_FUNCTION = 31;
    private const int SQLITE_SAVEPOINT = 32;
    private const int SQLITE_RECURSIVE = 33;

    /// <summary>Turns the guard off again when disposed.</summary>
    public readonly struct Scope(SqliteGuard guard) : IDisposable
    {
        public void Dispose()
        {
            guard._mode = SqliteGuardMode.Off;
            guard._cancellation = default;
        }
    }
}
