namespace RaftRunner.StateMachines.Sqlite;

/// <summary>What <see cref="SqlScanner.Scan"/> found in a command's or query's SQL text.</summary>
/// <param name="Sql">The text to run: the original with positional parameters renamed (<c>?</c>, <c>?NNN</c> → <c>:pN</c>).</param>
/// <param name="Statements">The number of non-empty statements (a trigger body's statements count too).</param>
/// <param name="MaxIndex">The highest positional parameter (<c>?</c>, <c>?NNN</c>) used; 0 when none.</param>
/// <param name="Names">The named parameters used, with their prefix (<c>:a</c>, <c>@b</c>, <c>$c</c>).</param>
/// <param name="CallsDateFunction">Whether a date/time function is called (so a 'now' argument matters).</param>
/// <param name="NonDeterminism">Why the text is not deterministic, or null when nothing was found.</param>
internal sealed record SqlScan(string Sql, int Statements, int MaxIndex, IReadOnlySet<string> Names, bool CallsDateFunction, string? NonDeterminism);
