using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using RaftRunner.Cli;

var root = new RootCommand("raft-runner: a Raft node that speaks zmq-raft's wire protocol, and tools for its clusters and data directories");
root.Options.Add(CliLogging.LevelOption);
root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());
root.Subcommands.Add(LogCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(DemoCommand.Create());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
    return Cli.Fail(ParseErrors.Describe(parsed));
if (CliLogging.Configure(parsed) is { } levelError)
    return Cli.Fail(levelError);
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (BadArgumentException e)
{
    return Cli.Fail(e.Message);
}
catch (CommandFailedException e)
{
    return Cli.Error(e.Message);
}
catch (OperationCanceledException)
{
    return Cli.Error("interrupted");
}
#pragma warning disable CA1031 // the contract: whatever fails, one line and no stack trace (unless --log-level asks for detail)
catch (Exception e)
#pragma warning restore CA1031
{
    if (CliLogging.Level(LogLevel.Warning) <= LogLevel.Debug)
        Console.Error.WriteLine(e.ToString());
    return Cli.Error($"{e.GetType().Name}: {e.Message}");
}

/// <summary>Parse errors as one line: the most telling error first (an unknown word before what it made missing).</summary>
internal static class ParseErrors
{
    public static string Describe(ParseResult parsed)
    {
        var errors = parsed.Errors;
        var unknown = errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal));
        var command = parsed.CommandResult.Command;
        var path = CommandPath(parsed.CommandResult);
        if (unknown is not null)
            return $"{Cli.OneLine(unknown.Message)} (see {path} --help)";
        // A value that does not parse says more than the required options that are missing after it.
        var error = errors.FirstOrDefault(e => e.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal)) ?? errors[0];
        if (error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal) && command.Subcommands.Count > 0)
        {
            var where = command is RootCommand ? "" : $"{path["raft-runner ".Length..]}: ";
            return $"{where}a command is required: {string.Join(", ", command.Subcommands.Select(c => c.Name))} (see {path} --help)";
        }
        return Friendly(Cli.OneLine(error.Message));
    }

    /// <summary>"Cannot parse argument 'x' for option '--port' as expected type 'System.Int32'." → "--port: 'x' is not a whole number".</summary>
    private static string Friendly(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\.?$");
        if (!match.Success)
            return message;
        var type = match.Groups[3].Value;
        var kind = type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Double", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : "valid here";
        return $"{match.Groups[2].Value}: '{match.Groups[1].Value}' is not {kind}";
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
                names.Add(c.Command is RootCommand ? "raft-runner" : c.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }
}
