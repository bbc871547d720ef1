namespace RaftRunner.Cli;

/// <summary>How the command reports a bad argument: one line naming the problem, exit code 2 (DESIGN.md).</summary>
internal static class Cli
{
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"raft-runner: {message}");
        return 2;
    }
}
