using RaftRunner.Hocon.Parsing;
using RaftRunner.Hocon.Values;

namespace RaftRunner.Hocon;

/// <summary>
/// Entry point: parses HOCON text or files into a <see cref="Config"/>. By default includes are
/// files relative to the including file and <c>${NAME}</c> falls back to environment variables.
/// </summary>
public static class HoconConfig
{
    private static readonly Lazy<Config> ReferenceConfig = new(LoadReference);

    public static Config Empty => Config.EmptyConfig;

    /// <summary>
    /// hocon/reference.conf as shipped inside this library: every RaftRunner setting at its documented
    /// default. Programs use <c>config.WithFallback(HoconConfig.Reference)</c> so a node file only says
    /// what differs.
    /// </summary>
    public static Config Reference => ReferenceConfig.Value;

    /// <param name="text">The HOCON document.</param>
    /// <param name="fileName">Shown in error messages and used as the base directory for includes.</param>
    public static Config Parse(string text, string? fileName = null) => Parse(text, fileName, HoconParseOptions.Default);

    public static Config Parse(string text, string? fileName, HoconParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        var session = new ParseSession(options);
        session.EnterFile(fileName, default);
        var root = HoconParser.Parse(text, fileName, session, HoconPath.Root, rootDepth: 0);
        var config = new Config(root, isResolved: !root.NeedsResolution, options.EnvironmentLookup);
        return options.ResolveSubstitutions ? config.Resolve() : config;
    }

    public static Config ParseFile(string path) => ParseFile(path, HoconParseOptions.Default);

    public static Config ParseFile(string path, HoconParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ReadFile(path), path, options);
    }

    /// <summary>
    /// The default include resolver: <paramref name="name"/> relative to the including file's directory
    /// (or the working directory when parsing a string). A name without an extension also tries
    /// <c>.conf</c> and then <c>.json</c>; the first file found is used.
    /// </summary>
    public static HoconIncludeSource? ResolveFileInclude(string name, string? includingFileName)
    {
        ArgumentNullException.ThrowIfNull(name);
        var directory = includingFileName is null ? "" : Path.GetDirectoryName(includingFileName) ?? "";
        var basePath = Path.IsPathRooted(name) ? name : Path.Combine(directory, name);
        string[] candidates = Path.HasExtension(basePath) ? [basePath] : [basePath, basePath + ".conf", basePath + ".json"];
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return new HoconIncludeSource(candidate, File.ReadAllText(candidate));
            }
        }

        return null;
    }

    private static Config LoadReference()
    {
        const string name = "RaftRunner.Hocon.reference.conf";
        using var stream = typeof(HoconConfig).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the embedded resource {name} is missing from {typeof(HoconConfig).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "reference.conf");
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigurationException("configuration file not found", new SourcePosition(path, 0, 0), null, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot read configuration file: {e.Message}", new SourcePosition(path, 0, 0), null, e);
        }
    }
}
