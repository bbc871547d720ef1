namespace RaftRunner.Hocon;

/// <summary>
/// Every problem found while parsing, resolving or reading a configuration. The message is one line
/// that names the file, line and column (and the setting being read), so a command-line tool can
/// print it as it is and a user can jump straight to the culprit.
/// </summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException()
        : this("invalid configuration")
    {
    }

    public ConfigurationException(string message)
        : base(message)
    {
        Reason = message;
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    internal ConfigurationException(string reason, SourcePosition position, string? configPath = null, Exception? innerException = null)
        : base(Format(reason, position, configPath), innerException)
    {
        Reason = reason;
        FileName = position.FileName;
        Line = position.Line;
        Column = position.Column;
        ConfigPath = configPath;
    }

    /// <summary>The file the offending text came from, or null when it was parsed from a string.</summary>
    public string? FileName { get; }

    /// <summary>1-based line of the offending text; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending text; 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The dotted path being read when the error happened; null for parse errors.</summary>
    public string? ConfigPath { get; }

    /// <summary>The problem alone, without the location prefix or suffix.</summary>
    public string Reason { get; }

    internal SourcePosition Position => new(FileName, Line, Column);

    private static string Format(string reason, SourcePosition position, string? configPath)
    {
        var location = position.Describe();
        if (configPath is not null)
        {
            return location is null
                ? $"reading '{configPath}': {reason}"
                : $"reading '{configPath}': {reason} ({location})";
        }

        return location is null ? reason : $"{location}: {reason}";
    }
}
