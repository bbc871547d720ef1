using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.StateMachines.Sqlite;

/// <summary>
/// A decoded command or query (<see cref="SqliteCommands"/> documents the format): the scanned SQL and its
/// parameters by the names they bind to (<c>:p1</c> for <c>?1</c>, <c>:name</c>), checked against what the text uses.
/// </summary>
internal sealed class SqlRequest
{
    private SqlRequest(SqlScan scan, IReadOnlyList<KeyValuePair<string, object>> parameters, IReadOnlyList<string> textArguments)
    {
        Scan = scan;
        Parameters = parameters;
        TextArguments = textArguments;
    }

    public SqlScan Scan { get; }

    public IReadOnlyList<KeyValuePair<string, object>> Parameters { get; }

    private IReadOnlyList<string> TextArguments { get; }

    /// <summary>Why running this as a command could give different results on different nodes, or null.</summary>
    public string? NonDeterminism()
    {
        if (Scan.NonDeterminism is { } problem)
            return problem;
        if (Scan.CallsDateFunction)
        {
            foreach (var text in TextArguments)
            {
                if (SqlScanner.ClockArguments.Contains(text.Trim()))
                    return SqlScanner.ClockProblem(text.Trim());
            }
        }
        return null;
    }

    public static bool TryParse(ReadOnlySpan<byte> data, out SqlRequest request, out string? error)
    {
        request = null!;
        if (!MessagePackCodec.TryDecodeExact(data, out var value, out var decodeError))
        {
            error = $"the data is not MessagePack ({decodeError})";
            return false;
        }
        if (!value.TryGetProperty(SqliteCommands.SqlField, out var sqlValue) || !sqlValue.TryGetString(out var sql))
        {
            error = "the data is not a map with a string \"sql\"";
            return false;
        }
        var scan = SqlScanner.Scan(sql);
        if (scan.Statements == 0)
        {
            error = "\"sql\" holds no statement";
            return false;
        }
        var parameters = new List<KeyValuePair<string, object>>();
        var texts = new List<string>();
        value.TryGetProperty(SqliteCommands.ArgsField, out var args);
        if (args.TryGetArray(out var positional))
        {
            if (scan.Names.Count > 0)
            {
                error = $"\"sql\" uses the named parameter {scan.Names.First()}, so \"args\" must be a map";
                return false;
            }
            if (scan.MaxIndex > positional.Count)
            {
                error = $"\"sql\" uses ?{scan.MaxIndex} but \"args\" holds {positional.Count} value(s)";
                return false;
            }
            for (var i = 0; i < positional.Count; i++)
            {
                if (!Add(parameters, texts, SqlScanner.PositionalPrefix + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), positional[i], out error))
                    return false;
            }
        }
        else if (args.TryGetMap(out _))
        {
            if (scan.MaxIndex > 0)
            {
                error = $"\"sql\" uses the positional parameter ?{scan.MaxIndex}, so \"args\" must be an array";
                return false;
            }
            foreach (var name in scan.Names)
            {
                // A key may be given with its prefix or without it (":a", "a"); an unused key is allowed.
                if (!args.TryGetProperty(name, out var argument) && !args.TryGetProperty(name[1..], out argument))
                {
                    error = $"\"args\" has no value for {name}";
                    return false;
                }
                if (!Add(parameters, texts, name, argument, out error))
                    return false;
            }
        }
        else if (!args.IsNil)
        {
            error = $"\"args\" is an array or a map, not {args.Kind}";
            return false;
        }
        else if (scan.MaxIndex > 0 || scan.Names.Count > 0)
        {
            error = "\"sql\" uses parameters but there are no \"args\"";
            return false;
        }
        request = new SqlRequest(scan, parameters, texts);
        error = null;
        return true;
    }

    private static bool Add(List<KeyValuePair<string, object>> parameters, List<string> texts, string name, MessagePackValue argument, out string? error)
    {
        if (!SqliteValues.TryToParameter(argument, out var parameter, out error))
        {
            error = $"{name}: {error}";
            return false;
        }
        parameters.Add(new(name, parameter));
        if (parameter is string text)
            texts.Add(text);
        return true;
    }
}
