using System.CommandLine;
using RaftRunner.Cli;

var root = new RootCommand("raft-runner: a Raft node that speaks zmq-raft's wire protocol");
root.Subcommands.Add(NodeCommand.Create());
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
    return Cli.Fail(parsed.Errors[0].Message);
return await parsed.InvokeAsync();
