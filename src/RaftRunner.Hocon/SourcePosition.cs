namespace RaftRunner.Hocon;

/// <summary>
/// Where a token or value came from. Line and Column are 1-based; 0 means unknown, which is the case
/// for values that were never written in a file (defaults, environment variables without a site).
/// </summary>
internal readonly record struct SourcePosition(string? FileName, int Line, int Column)
{
    public bool IsKnown => Line > 0;

    /// <summary>The location as a compiler would print it, or null when there is nothing to say.</summary>
    public string? Describe()
    {
        if (IsKnown)
        {
            return FileName is null
                ? $"line {Line}, column {Column}"
                : $"{FileName}:{Line}:{Column}";
        }

        return FileName;
    }

    public override string ToString() => Describe() ?? "unknown location";
}
