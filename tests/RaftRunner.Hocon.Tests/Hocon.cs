using System.Diagnostics;

namespace RaftRunner.Hocon.Tests;

/// <summary>
/// Parsing helpers that keep tests hermetic: the environment is an explicit dictionary (never the
/// process environment) and error assertions check the reported line and column.
/// </summary>
internal static class Hocon
{
    // Generous bound for "returns quickly": every bad input must fail fast, not hang.
    private static readonly TimeSpan QuickFailure = TimeSpan.FromSeconds(5);

    public static Config Parse(string text, IReadOnlyDictionary<string, string>? environment = null, string? fileName = null) =>
        HoconConfig.Parse(text, fileName, Options(environment));

    public static HoconParseOptions Options(IReadOnlyDictionary<string, string>? environment = null) => new()
    {
        EnvironmentLookup = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
    };

    /// <summary>Asserts that parsing fails quickly with a ConfigurationException at the given place.</summary>
    public static ConfigurationException ParseFails(string text, int line, int column, string reasonContains, string? fileName = null)
    {
        var error = FailsQuickly(() => HoconConfig.Parse(text, fileName, Options()));
        AssertAt(error, line, column, reasonContains);
        return error;
    }

    public static ConfigurationException FailsQuickly(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        var error = Assert.Throws<ConfigurationException>(action);
        Assert.True(stopwatch.Elapsed < QuickFailure, $"expected the error within {QuickFailure} but it took {stopwatch.Elapsed}");
        return error;
    }

    public static ConfigurationException FailsQuickly(Func<object?> action) => FailsQuickly(() => { _ = action(); });

    public static void AssertAt(ConfigurationException error, int line, int column, string reasonContains)
    {
        Assert.True(error.Reason.Contains(reasonContains, StringComparison.Ordinal),
            $"expected the reason to contain \"{reasonContains}\" but it was \"{error.Reason}\"");
        Assert.True(error.Line == line && error.Column == column,
            $"expected the error at line {line}, column {column} but it was at line {error.Line}, column {error.Column}: {error.Message}");
    }
}
