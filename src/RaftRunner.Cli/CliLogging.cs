using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace RaftRunner.Cli;

/// <summary>
/// The global <c>--log-level</c> option (every command): trace, debug, information, warning, error, critical or
/// none. Without it a node logs from information up, the tools (config, bench, log) from warning up. Logging goes
/// through Microsoft.Extensions.Logging's simple console logger; the tools log to stderr, so that their stdout
/// holds only their output (tables, JSON).
/// </summary>
internal static class CliLogging
{
    private static readonly string[] Names = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    public static readonly Option<string?> LevelOption = new("--log-level")
    {
        Description = "trace, debug, information, warning, error, critical or none (default: information for node, warning for the other commands)",
        HelpName = "level",
        Recursive = true,
    };

    /// <summary>The level --log-level asked for; null when it was not given.</summary>
    public static LogLevel? Requested { get; private set; }

    /// <summary>The level to log at: --log-level's, else <paramref name="commandDefault"/>.</summary>
    public static LogLevel Level(LogLevel commandDefault) => Requested ?? commandDefault;

    /// <summary>Reads --log-level from the parse; an error message when its value is not a level.</summary>
    public static string? Configure(ParseResult parsed)
    {
        var text = parsed.GetValue(LevelOption);
        if (text is null)
            return null;
        if (!TryParse(text, out var level))
            return $"--log-level must be one of {string.Join(", ", Names)}, not '{text}'";
        Requested = level;
        return null;
    }

    public static bool TryParse(string text, out LogLevel level)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "trace": level = LogLevel.Trace; return true;
            case "debug": level = LogLevel.Debug; return true;
            case "information" or "info": level = LogLevel.Information; return true;
            case "warning" or "warn": level = LogLevel.Warning; return true;
            case "error": level = LogLevel.Error; return true;
            case "critical": level = LogLevel.Critical; return true;
            case "none" or "off": level = LogLevel.None; return true;
            default: level = LogLevel.None; return false;
        }
    }

    /// <summary>The tools' loggers: one line per message, on stderr, from warning up unless --log-level says otherwise.</summary>
    public static ILoggerFactory ForTool() => LoggerFactory.Create(b =>
    {
        b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        b.SetMinimumLevel(Level(LogLevel.Warning));
    });
}
