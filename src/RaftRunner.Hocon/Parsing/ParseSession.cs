namespace RaftRunner.Hocon.Parsing;

/// <summary>
/// State shared by a document and everything it includes: the options, and the chain of files being
/// included so that a file including itself (directly or not) is an error instead of endless recursion.
/// </summary>
internal sealed class ParseSession
{
    public const int MaxIncludeDepth = 32;

    private readonly List<string> _includeChain = [];

    public ParseSession(HoconParseOptions options)
    {
        Options = options;
    }

    public HoconParseOptions Options { get; }

    public void EnterFile(string? fileName, SourcePosition includedAt)
    {
        if (fileName is null)
        {
            _includeChain.Add("<string>");
            return;
        }

        var key = Normalize(fileName);
        if (_includeChain.Contains(key, StringComparer.Ordinal))
        {
            throw new ConfigurationException(
                $"include cycle: {string.Join(" -> ", _includeChain)} -> {key}", includedAt);
        }

        if (_includeChain.Count >= MaxIncludeDepth)
        {
            throw new ConfigurationException($"includes nest deeper than {MaxIncludeDepth} files", includedAt);
        }

        _includeChain.Add(key);
    }

    public void LeaveFile() => _includeChain.RemoveAt(_includeChain.Count - 1);

    private static string Normalize(string fileName)
    {
        try
        {
            return Path.GetFullPath(fileName);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            // A custom resolver may hand out names that are not paths; compare them as they are.
            return fileName;
        }
    }
}
