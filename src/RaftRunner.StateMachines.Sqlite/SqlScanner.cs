using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace RaftRunner.StateMachines.Sqlite;

/// <summary>
/// Reads SQL text before SQLite does, for what the authorizer (<see cref="SqliteGuard"/>) cannot see: column
/// defaults that read the clock (<c>DEFAULT CURRENT_TIMESTAMP</c>, <c>DEFAULT (random())</c> — SQLite evaluates them
/// without asking the authorizer), date/time functions called for "now", and the parameters the text uses. It also
/// renames positional parameters to named ones (<c>?</c> → <c>:p3</c>, <c>?2</c> → <c>:p2</c>), numbering bare ones
/// the way SQLite does: Microsoft.Data.Sqlite binds by name only, and refuses a statement whose numbers have gaps
/// (<c>?2</c> without <c>?1</c>), which named parameters never have.
/// </summary>
/// <remarks>
/// A tokenizer, not a parser: comments, string literals and quoted identifiers are skipped correctly, but a
/// function-like name is judged by the token before it, so a table or CTE named <c>random(…)</c> after a comma can be
/// refused by mistake. Every node scans the same text the same way, so a mistake is at least the same everywhere.
/// </remarks>
internal static class SqlScanner
{
    /// <summary>Functions whose result differs between nodes or between runs (lower case).</summary>
    public static readonly FrozenSet<string> NonDeterministicFunctions = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "random", "randomblob", "total_changes", "sqlite_version", "sqlite_source_id", "sqlite_compileoption_get",
        "sqlite_compileoption_used", "load_extension", "current_date", "current_time", "current_timestamp");

    /// <summary>SQLite's date and time functions: deterministic unless they are asked for "now" or local time.</summary>
    public static readonly FrozenSet<string> DateFunctions = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff");

    /// <summary>Date/time arguments that read the clock or the node's time zone.</summary>
    public static readonly FrozenSet<string> ClockArguments = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "now", "localtime", "utc");

    /// <summary>What positional parameter N is renamed to: <see cref="PositionalPrefix"/> + N.</summary>
    public const string PositionalPrefix = ":p";

    private const int MaxParameterNumber = 32766; // SQLITE_MAX_VARIABLE_NUMBER

    private static readonly FrozenSet<string> TimeKeywords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "current_date", "current_time", "current_timestamp");

    // A name after one of these and before "(" is a table, index, view or CTE with a column list, not a call.
    private static readonly FrozenSet<string> NotBeforeACall = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "table", "into", "references", "on", "exists", "view", "index", "trigger", "update", "join", "from", "with", "recursive");

    public static SqlScan Scan(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var tokens = Tokenize(sql);
        var rewritten = new StringBuilder(sql.Length + 8);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var statementNames = new HashSet<string>(StringComparer.Ordinal);
        var copied = 0;
        var statements = 0;
        var statementHasTokens = false;
        var lastIndex = 0;
        var maxIndex = 0;
        var callsDateFunction = false;
        string? problem = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == TokenKind.Semicolon)
            {
                // SQLite numbers parameters per statement. (A trigger body's ";" resets too early, but a trigger
                // cannot use parameters, so nothing is numbered there.)
                if (statementHasTokens)
                    statements++;
                statementHasTokens = false;
                lastIndex = 0;
                statementNames.Clear();
                continue;
            }
            statementHasTokens = true;
            switch (token.Kind)
            {
                case TokenKind.Parameter:
                    int number;
                    if (token.Length == 1)
                        number = ++lastIndex;
                    else if (int.TryParse(sql.AsSpan(token.Start + 1, token.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out number) && number is >= 1 and <= MaxParameterNumber)
                        lastIndex = Math.Max(lastIndex, number);
                    else
                        break; // ?0 or too large: left for SQLite to refuse
                    maxIndex = Math.Max(maxIndex, number);
                    rewritten.Append(sql, copied, token.Start - copied).Append(PositionalPrefix).Append(number.ToString(CultureInfo.InvariantCulture));
                    copied = token.Start + token.Length;
                    break;
                case TokenKind.NamedParameter:
                    var name = sql.Substring(token.Start, token.Length);
                    names.Add(name);
                    if (statementNames.Add(name))
                        lastIndex++;
                    break;
                case TokenKind.Identifier or TokenKind.QuotedIdentifier:
                    problem ??= CheckName(sql, tokens, i, ref callsDateFunction);
                    break;
            }
        }
        if (statementHasTokens)
            statements++;
        rewritten.Append(sql, copied, sql.Length - copied);
        if (problem is null && callsDateFunction)
        {
            foreach (var token in tokens)
            {
                if (token.Kind == TokenKind.String && ClockArguments.Contains(token.Value(sql).Trim()))
                {
                    problem = ClockProblem(token.Value(sql).Trim());
                    break;
                }
            }
        }
        return new SqlScan(rewritten.ToString(), statements, maxIndex, names, callsDateFunction, problem);
    }

    /// <summary>Why a date/time argument value makes a command non-deterministic.</summary>
    public static string ClockProblem(string argument) =>
        string.Equals(argument, "now", StringComparison.OrdinalIgnoreCase)
            ? "a date/time function asked for 'now' reads the clock, which differs between nodes"
            : $"the date/time modifier '{argument}' depends on the node's time zone";

    private static string? CheckName(string sql, List<Token> tokens, int i, ref bool callsDateFunction)
    {
        var token = tokens[i];
        var name = token.Value(sql);
        if (token.Kind == TokenKind.Identifier && TimeKeywords.Contains(name))
            return $"{name.ToUpperInvariant()} reads the clock, which differs between nodes";
        if (i + 1 >= tokens.Count || tokens[i + 1].Kind != TokenKind.LeftParen)
            return null;
        if (i > 0 && tokens[i - 1].Kind == TokenKind.Identifier && NotBeforeACall.Contains(tokens[i - 1].Value(sql)))
            return null;
        if (NonDeterministicFunctions.Contains(name))
            return $"{name.ToLowerInvariant()}() is not deterministic";
        if (!DateFunctions.Contains(name))
            return null;
        callsDateFunction = true;
        var arguments = CountArguments(tokens, i + 1);
        if (arguments == 0 || (arguments == 1 && string.Equals(name, "strftime", StringComparison.OrdinalIgnoreCase)))
            return $"{name.ToLowerInvariant()}() without a time value means 'now', which differs between nodes";
        return null;
    }

    /// <summary>The number of top-level arguments of the call whose "(" is at <paramref name="open"/>.</summary>
    private static int CountArguments(List<Token> tokens, int open)
    {
        var depth = 0;
        var commas = 0;
        for (var i = open; i < tokens.Count; i++)
        {
            switch (tokens[i].Kind)
            {
                case TokenKind.LeftParen:
                    depth++;
                    break;
                case TokenKind.RightParen:
                    depth--;
                    if (depth == 0)
                        return i == open + 1 ? 0 : commas + 1;
                    break;
                case TokenKind.Comma when depth == 1:
                    commas++;
                    break;
            }
        }
        return commas + 1; // unterminated: SQLite refuses it anyway
    }

    private static List<Token> Tokenize(string sql)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var start = i;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && At(sql, i + 1) == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                    i++;
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else if (c is '\'' or '"' or '`' or '[')
            {
                var close = c == '[' ? ']' : c;
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == close)
                    {
                        if (close != ']' && At(sql, i + 1) == close)
                        {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
                tokens.Add(new Token(c == '\'' ? TokenKind.String : TokenKind.QuotedIdentifier, start, i - start));
            }
            else if (c == '?')
            {
                i++;
                while (i < sql.Length && char.IsAsciiDigit(sql[i]))
                    i++;
                tokens.Add(new Token(TokenKind.Parameter, start, i - start));
            }
            else if (c is ':' or '@' or '$' && i + 1 < sql.Length && IsIdentifierPart(sql[i + 1]))
            {
                i++;
                while (i < sql.Length && IsIdentifierPart(sql[i]))
                    i++;
                tokens.Add(new Token(TokenKind.NamedParameter, start, i - start));
            }
            else if (IsIdentifierStart(c))
            {
                while (i < sql.Length && (IsIdentifierPart(sql[i]) || sql[i] == '$'))
                    i++;
                tokens.Add(new Token(TokenKind.Identifier, start, i - start));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(sql, i + 1))))
            {
                while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] is '.' or '_'))
                    i++;
                tokens.Add(new Token(TokenKind.Other, start, i - start));
            }
            else
            {
                i++;
                var kind = c switch
                {
                    ';' => TokenKind.Semicolon,
                    '(' => TokenKind.LeftParen,
                    ')' => TokenKind.RightParen,
                    ',' => TokenKind.Comma,
                    _ => TokenKind.Other,
                };
                tokens.Add(new Token(kind, start, 1));
            }
        }
        return tokens;
    }

    private static char At(string sql, int index) => index < sql.Length ? sql[index] : '\0';

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= 0x80;

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c >= 0x80;

    private enum TokenKind
    {
        Identifier,
        QuotedIdentifier,
        String,
        Parameter,
        NamedParameter,
        Semicolon,
        LeftParen,
        RightParen,
        Comma,
        Other,
    }

    private readonly record struct Token(TokenKind Kind, int Start, int Length)
    {
        /// <summary>The text, unquoted for strings and quoted identifiers.</summary>
        public string Value(string sql)
        {
            if (Kind is not (TokenKind.String or TokenKind.QuotedIdentifier))
                return sql.Substring(Start, Length);
            var open = sql[Start];
            var close = open == '[' ? ']' : open;
            var complete = Length >= 2 && sql[Start + Length - 1] == close;
            var inner = sql.Substring(Start + 1, Length - (complete ? 2 : 1));
            return close == ']' ? inner : inner.Replace(new string(close, 2), new string(close, 1), StringComparison.Ordinal);
        }
    }
}
