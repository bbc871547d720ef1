using System.Text;

namespace RaftRunner.Raft.Membership;

/// <summary>
/// The message of Node 20's <c>assert.strictEqual(actual, expected, message)</c> for strings and null
/// (lib/internal/assert/assertion_error.js, createErrDiff), as printed when stderr is not a TTY: no colours
/// and an 80-column limit for the "^" marker.
/// </summary>
internal static class NodeAssertMessages
{
    private const int MaxShortLength = 12;
    private const int Columns = 80;

    public static string StrictEqual(string message, string? actual, string? expected)
    {
        var actualLines = Inspect(actual).Split('\n').ToList();
        var expectedLines = Inspect(expected).Split('\n').ToList();
        var i = 0;
        var indicator = string.Empty;

        if (actualLines.Count == 1 && expectedLines.Count == 1 && actualLines[0] != expectedLines[0])
        {
            var a = actualLines[0];
            var e = expectedLines[0];
            var inputLength = a.Length + e.Length;
            if (inputLength <= MaxShortLength)
                return $"{message}\n\n{a} !== {e}\n";
            if (inputLength < Columns)
            {
                while (i < a.Length && i < e.Length && a[i] == e[i])
                    i++;
                if (i > 2)
                {
                    indicator = $"\n  {new string(' ', i)}^";
                    i = 0;
                }
            }
        }
        return Diff(message, actualLines, expectedLines, i, indicator);
    }

    /// <summary>The line diff of createErrDiff, from the point where trailing identical lines are dropped.</summary>
    private static string Diff(string message, List<string> actualLines, List<string> expectedLines, int i, string indicator)
    {
        string other = string.Empty, res = string.Empty, end = string.Empty;
        var skipped = false;

        var a = actualLines[^1];
        var b = expectedLines[^1];
        while (a == b)
        {
            if (i++ < 3)
                end = $"\n  {a}{end}";
            else
                other = a;
            actualLines.RemoveAt(actualLines.Count - 1);
            expectedLines.RemoveAt(expectedLines.Count - 1);
            if (actualLines.Count == 0 || expectedLines.Count == 0)
                break;
            a = actualLines[^1];
            b = expectedLines[^1];
        }

        var maxLines = Math.Max(actualLines.Count, expectedLines.Count);
        if (i >= 5)
        {
            end = $"\n...{end}";
            skipped = true;
        }
        if (other.Length != 0)
        {
            end = $"\n  {other}{end}";
            other = string.Empty;
        }

        var printedLines = 0;
        var identical = 0;
        var msg = $"{message}\n+ actual - expected";
        const string SkippedMsg = " ... Lines skipped";
        var lines = actualLines;
        var plusMinus = "+";
        var maxLength = expectedLines.Count;
        if (actualLines.Count < maxLines)
        {
            lines = expectedLines;
            plusMinus = "-";
            maxLength = actualLines.Count;
        }

        for (i = 0; i < maxLines; i++)
        {
            if (maxLength < i + 1)
            {
                res += IdenticalRun(lines, i, identical, ref printedLines, ref skipped);
                identical = 0;
                if (ReferenceEquals(lines, actualLines))
                    res += $"\n{plusMinus} {lines[i]}";
                else
                    other += $"\n{plusMinus} {lines[i]}";
                printedLines++;
            }
            else
            {
                var expectedLine = expectedLines[i];
                var actualLine = actualLines[i];
                var diverging = actualLine != expectedLine && (!actualLine.EndsWith(',') || actualLine[..^1] != expectedLine);
                if (diverging && expectedLine.EndsWith(',') && expectedLine[..^1] == actualLine)
                {
                    diverging = false;
                    actualLine += ",";
                }
                if (diverging)
                {
                    res += IdenticalRun(actualLines, i, identical, ref printedLines, ref skipped);
                    identical = 0;
                    res += $"\n+ {actualLine}";
                    other += $"\n- {expectedLine}";
                    printedLines += 2;
                }
                else
                {
                    res += other;
                    other = string.Empty;
                    identical++;
                    if (identical <= 2)
                    {
                        res += $"\n  {actualLine}";
                        printedLines++;
                    }
                }
            }
            if (printedLines > 50 && i < maxLines - 2)
                return $"{msg}{SkippedMsg}\n{res}\n...{other}\n...";
        }
        return $"{msg}{(skipped ? SkippedMsg : string.Empty)}\n{res}{other}{end}{indicator}";
    }

    /// <summary>Up to three identical lines before a difference, collapsing longer runs to "...".</summary>
    private static string IdenticalRun(List<string> lines, int i, int identical, ref int printedLines, ref bool skipped)
    {
        if (identical <= 2)
            return string.Empty;
        var run = string.Empty;
        if (identical > 3)
        {
            if (identical > 4)
            {
                if (identical == 5)
                {
                    run += $"\n  {lines[i - 3]}";
                    printedLines++;
                }
                else
                {
                    run += "\n...";
                    skipped = true;
                }
            }
            run += $"\n  {lines[i - 2]}";
            printedLines++;
        }
        run += $"\n  {lines[i - 1]}";
        printedLines++;
        return run;
    }

    /// <summary>util.inspect of a string or null with assert's options (breakLength 80, maxStringLength 10,000).</summary>
    private static string Inspect(string? value)
    {
        if (value is null)
            return "null";
        var trailer = string.Empty;
        if (value.Length > 10_000)
        {
            var remaining = value.Length - 10_000;
            value = value[..10_000];
            trailer = $"... {remaining} more character{(remaining > 1 ? "s" : string.Empty)}";
        }
        if (value.Length > 16 && value.Length > Columns - 4)
            return string.Join(" +\n  ", SplitAfterNewlines(value).Select(Quote)) + trailer;
        return Quote(value) + trailer;
    }

    /// <summary><c>value.split(/(?&lt;=\n)/)</c>: each piece keeps its line break.</summary>
    private static IEnumerable<string> SplitAfterNewlines(string value)
    {
        var start = 0;
        for (var i = 0; i < value.Length - 1; i++)
        {
            if (value[i] == '\n')
            {
                yield return value[start..(i + 1)];
                start = i + 1;
            }
        }
        yield return value[start..];
    }

    /// <summary>strEscape: single quotes unless the text has one, then double quotes, then backticks.</summary>
    private static string Quote(string s)
    {
        var quote = '\'';
        if (s.Contains('\'', StringComparison.Ordinal))
        {
            if (!s.Contains('"', StringComparison.Ordinal))
                quote = '"';
            else if (!s.Contains('`', StringComparison.Ordinal) && !s.Contains("${", StringComparison.Ordinal))
                quote = '`';
        }
        var text = new StringBuilder(s.Length + 2).Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\'' && quote == '\'')
                text.Append("\\'");
            else if (c == '\\')
                text.Append(@"\\");
            else if (c < 0x20 || c is >= '\u007f' and <= '\u009f')
                text.Append(c switch
                {
                    '\b' => @"\b",
                    '\t' => @"\t",
                    '\n' => @"\n",
                    '\f' => @"\f",
                    '\r' => @"\r",
                    _ => $@"\x{(int)c:X2}",
                });
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                text.Append(c).Append(s[++i]);
            else if (char.IsSurrogate(c))
                text.Append($@"\u{(int)c:x}");
            else
                text.Append(c);
        }
        return text.Append(quote).ToString();
    }
}
