namespace ExampleApp;

// Inside the namespace, so that "RaftRunner" below is the facade class: outside it, the name would be the
// library's root namespace RaftRunner instead.
using Microsoft.Extensions.Logging;
using RaftRunner.Hosting;

/// <summary>Starts one node of the bank from the command line, then runs the console (<see cref="Shell"/>).</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (!NodeArguments.TryParse(args, out var arguments, out var error))
        {
            Console.Error.WriteLine($"ExampleApp: {error}. {NodeArguments.Usage}");
            return 2;
        }
        // The node's warnings and errors (a peer unreachable, a join refused) go to stderr; stdout is the console's.
        using var logging = LoggerFactory.Create(log => log
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning));

        var accounts = new BankAccounts();
        await using var node = new RaftRunner(arguments.Id, arguments.DataDirectory, arguments.Port, arguments.Peers, accounts, arguments.Host, logging);
        node.RaftStateChanged += (_, e) =>
            Console.WriteLine($"[{node.Id}] {e.Role}, term {e.Term}, leader {e.LeaderId ?? "none"}, peers {string.Join(",", e.Peers.Select(p => p.Id))}");
        return await new Shell(node, Console.In, Console.Out).RunAsync();
    }
}
