using System.Diagnostics;
using RaftRunner.Raft;
using RaftRunner.Raft.Simulation;

// usage: RaftRunner.Raft.Simulation [--schedules N] [--first-seed S] [--seed S] [--broken FAULT]
// Prints every violation with its seed and a command that replays it, and ends with
// "simulated N schedules, M violations". Exit code 1 when any schedule failed.
var schedules = 2000;
var firstSeed = 1;
int? only = null;
var faults = CoreFaults.None;
int? size = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--schedules": schedules = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--first-seed": firstSeed = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--seed": only = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--size": size = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--broken": faults = Enum.Parse<CoreFaults>(args[i + 1]); break; // a deliberately broken core, e.g. GrantTwoVotesPerTerm
        default:
            Console.Error.WriteLine($"unknown argument {args[i]} (expected --schedules, --first-seed or --seed)");
            return 2;
    }
}
var seeds = only is { } s ? [s] : Enumerable.Range(firstSeed, schedules).ToArray();
var clock = Stopwatch.StartNew();
var violations = 0;
long membershipChanges = 0, snapshots = 0;
foreach (var seed in seeds)
{
    var simulator = new Simulator(seed, faults, size) { Trace = only is not null && Environment.GetEnvironmentVariable("RAFTRUNNER_SIM_TRACE") == "1" ? Console.Out : null };
    var result = simulator.Run();
    membershipChanges += simulator.MembershipChanges;
    snapshots += simulator.SnapshotsInstalled;
    if (result is { } violation)
    {
        violations++;
        Console.WriteLine($"seed {seed} ({simulator.Size} nodes): {violation}");
        Console.WriteLine($"  replay: dotnet run --project tests/RaftRunner.Raft.Simulation -c Release -- --seed {seed}");
    }
}
Console.WriteLine($"({clock.Elapsed.TotalSeconds:0.0} s; {membershipChanges} membership changes completed, {snapshots} snapshots installed by followers)");
Console.WriteLine($"simulated {seeds.Length} schedules, {violations} violations");
return violations == 0 ? 0 : 1;
