namespace RaftRunner.Cli;

/// <summary>
/// How the command reports problems (DESIGN.md "Contracts"): one line on stderr, <c>raft-runner: …</c>, never a
/// stack trace. A bad argument exits with 2; a failure of the work itself (the cluster stayed busy, a data file is
/// corrupt) with 1.
/// </summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadArgument = 2;

    /// <summary>A bad argument: one line naming it, exit code 2.</summary>
    public static int Fail(string message) => Report(message, BadArgument);

    /// <summary>The work failed (not the arguments): one line, exit code 1.</summary>
    public static int Error(string message) => Report(message, Failed);

    private static int Report(string message, int exitCode)
    {
        Console.Out.Flush();
        Console.Error.WriteLine($"raft-runner: {OneLine(message)}");
        return exitCode;
    }

    /// <summary>A message folded onto one line (parser and library messages sometimes span several).</summary>
    public static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', lines).Replace('\t', ' ');
    }
}

/// <summary>Thrown anywhere below a command's action for a bad argument: Program prints its message as one line, exit 2.</summary>
internal sealed class BadArgumentException : Exception
{
    public BadArgumentException()
    {
    }

    public BadArgumentException(string message)
        : base(message)
    {
    }

    public BadArgumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Thrown anywhere below a command's action when the work failed: Program prints its message as one line, exit 1.</summary>
internal sealed class CommandFailedException : Exception
{
    public CommandFailedException()
    {
    }

    public CommandFailedException(string message)
        : base(message)
    {
    }

    public CommandFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
