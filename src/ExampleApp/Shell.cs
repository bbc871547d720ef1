namespace ExampleApp;

// Inside the namespace: "RaftRunner" is then the facade class, not the library's root namespace.
using RaftRunner.Hosting;
using RaftRunner.Node;
using RaftRunner.Protocol;

/// <summary>
/// The console: one command a line, run against the node and answered in a line. Changes and reads go through any
/// node — a follower hands them to the leader by itself.
/// </summary>
internal sealed class Shell(RaftRunner node, TextReader input, TextWriter output)
{
    private const string Help = "commands: deposit NAME AMOUNT | withdraw NAME AMOUNT | transfer FROM TO AMOUNT | balance NAME [local] | total | peers | leave | quit";

    /// <summary>Runs commands until "quit" or the end of input (0), or until the node stops by itself (1).</summary>
    public async Task<int> RunAsync()
    {
        output.WriteLine(Help);
        while (true)
        {
            // The node may stop by itself (a join refused) while we wait for a line: say so at once, not at the next
            // command. Console.In blocks even in ReadLineAsync, hence the read on the thread pool.
            var read = Task.Run(input.ReadLine);
            if (await Task.WhenAny(read, node.Stopped) != read)
            {
                output.WriteLine($"node {node.Id} stopped: {await node.Stopped ?? "asked to"}");
                return 1;
            }
            var line = await read;
            try
            {
                if (line is null || !await RunAsync(line))
                    return 0;
            }
            catch (NodeStoppedException e)
            {
                output.WriteLine(e.Message);
                return 1;
            }
            catch (Exception e) when (e is FormatException or ChangeFailedException)
            {
                output.WriteLine($"error: {e.Message}");
            }
        }
    }

    /// <summary>Runs one command line; false for "quit".</summary>
    private async Task<bool> RunAsync(string line)
    {
        var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        switch (words)
        {
            case []:
                break;
            case ["quit"]:
                return false;
            case [BankCommand.Deposit or BankCommand.Withdraw or BankCommand.Transfer, ..]:
                await ChangeAsync(BankCommand.Parse(line));
                break;
            case ["balance", var account]:
                await QueryAsync(BankQuery.Balance(account), ReadConsistency.Linearizable);
                break;
            case ["balance", var account, "local"]:
                await QueryAsync(BankQuery.Balance(account), ReadConsistency.Local);
                break;
            case ["total"]:
                await QueryAsync(BankQuery.Total, ReadConsistency.Linearizable);
                break;
            case ["peers"]:
                output.WriteLine($"{node.Id} is {node.Role}, leader {node.LeaderId ?? "unknown"}; peers {string.Join(", ", node.GetPeers())}");
                break;
            case ["leave"]:
                await LeaveAsync();
                break;
            default:
                output.WriteLine(Help);
                break;
        }
        return true;
    }

    private async Task ChangeAsync(BankCommand command)
    {
        // One request id for every attempt: when an attempt that timed out was committed after all, the retry
        // finds it (its result is then null) instead of applying it a second time.
        var requestId = RequestId.New();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var done = await node.ChangeStateMachineAsync(command.Encode(), requestId);
                output.WriteLine(done.Result is long balance
                    ? $"ok: {command.Account} = {balance} (index {done.Index})"
                    : $"ok: applied before (index {done.Index})");
                return;
            }
            catch (ChangeFailedException e) when (e.Reason == ChangeFailure.Timeout && attempt < 3)
            {
                output.WriteLine($"no answer yet, retrying with the same request id: {e.Message}");
            }
            catch (ChangeFailedException e) when (e.Reason == ChangeFailure.ApplyFailed)
            {
                // Committed, but the state machine threw: every node rejected it the same way, nothing changed.
                output.WriteLine($"rejected (index {e.Index}): {e.InnerException?.Message}");
                return;
            }
            catch (ChangeFailedException e)
            {
                output.WriteLine($"failed ({e.Reason}): {e.Message}");
                return;
            }
        }
    }

    private async Task LeaveAsync()
    {
        // The others go on without this node; it keeps running, as a non-member, until "quit". Restarted later with
        // its data directory and peers without itself, it would ask to be added again.
        var index = await node.LeaveAsync();
        output.WriteLine($"{node.Id} left the cluster (configuration change at index {index}); quit when you like");
    }

    private async Task QueryAsync(BankQuery query, ReadConsistency consistency)
    {
        try
        {
            var answer = await node.QueryAsync(query.Encode(), consistency);
            output.WriteLine($"{query.Account ?? "total"} = {BankQuery.DecodeAnswer(answer.Span)}");
        }
        catch (QueryFailedException e)
        {
            output.WriteLine($"query failed ({e.Reason}): {e.Message}");
        }
    }
}
