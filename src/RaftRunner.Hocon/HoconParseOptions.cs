namespace RaftRunner.Hocon;

/// <summary>
/// Seams of the parser that tests and hosts want to replace: where environment variables come from,
/// how includes are found, and whether substitutions are resolved right away.
/// </summary>
public sealed class HoconParseOptions
{
    public static HoconParseOptions Default { get; } = new();

    /// <summary>
    /// Consulted for <c>${NAME}</c> when NAME is not a path in the configuration. Injectable so tests
    /// never have to mutate the process environment.
    /// </summary>
    public Func<string, string?> EnvironmentLookup { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Defaults to files relative to the including file's directory.</summary>
    public HoconIncludeResolver IncludeResolver { get; init; } = HoconConfig.ResolveFileInclude;

    /// <summary>
    /// False keeps substitutions unresolved so several documents can be stacked with
    /// <see cref="Config.WithFallback"/> first (an application file referring to keys of
    /// reference.conf) and resolved once with <see cref="Config.Resolve()"/>.
    /// </summary>
    public bool ResolveSubstitutions { get; init; } = true;
}
