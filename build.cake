// RaftRunner.Actors build. Targets:
//   Clean     remove build outputs and artifacts/
//   Build     compile the solution (Release)
//   TestFast  unit tests only (every tests/*.Tests project except the slow process-level ones)
//   Test      every test project; prints "N passed, M failed[, K skipped]" and writes it to artifacts/test-summary.txt
//   Bench     benchmarks (tests/RaftRunner.Benchmarks), printed as a table
//   Simulate  2,000 seeded fault schedules of the Raft core in the deterministic simulator (part of Test)
//   Soak      as many schedules as --seeds=N asks (from --first-seed=S)
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var benchArgs = Argument("bench-args", "");
var soakSeeds = Argument("seeds", 20000);
var firstSeed = Argument("first-seed", 1);

var solution = File("./RaftRunner.Actors.sln");
var artifacts = Directory("./artifacts");
var testResults = artifacts + Directory("test-results");

// Projects whose tests start processes or real clusters; TestFast skips them.
var slowTestProjects = new[] { "RaftRunner.IntegrationTests", "RaftRunner.InteropTests" };

IEnumerable<FilePath> TestProjects(bool fastOnly) =>
    GetFiles("./tests/*.Tests/*.csproj")
        .Concat(GetFiles("./tests/*.IntegrationTests/*.csproj"))
        .Concat(GetFiles("./tests/*.InteropTests/*.csproj"))
        .Where(p => !fastOnly || !slowTestProjects.Contains(p.GetFilenameWithoutExtension().ToString()))
        .OrderBy(p => p.FullPath);

void RunTests(bool fastOnly)
{
    EnsureDirectoryExists(testResults);
    CleanDirectory(testResults);
    var failedProjects = new List<string>();
    foreach (var project in TestProjects(fastOnly))
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        Information($"── {name}");
        try
        {
            DotNetTest(project.FullPath, new DotNetTestSettings
            {
                Configuration = configuration,
                NoBuild = true,
                NoRestore = true,
                ResultsDirectory = testResults,
                Loggers = new[] { $"trx;LogFileName={name}.trx", "console;verbosity=minimal" },
            });
        }
        catch (Exception)
        {
            failedProjects.Add(name);
        }
    }
    var summary = Summarize();
    EnsureDirectoryExists(artifacts);
    System.IO.File.WriteAllText(artifacts + File("test-summary.txt"), summary + Environment.NewLine);
    Information(summary);
    if (failedProjects.Count > 0)
        throw new Exception($"tests failed in: {string.Join(", ", failedProjects)}");
}

// Totals over every .trx written by this run.
string Summarize()
{
    long passed = 0, failed = 0, skipped = 0;
    foreach (var trx in GetFiles(testResults.Path.FullPath + "/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters is null) continue;
        long Read(string attribute) => long.TryParse((string)counters.Attribute(attribute), out var v) ? v : 0;
        passed += Read("passed");
        failed += Read("failed") + Read("error") + Read("timeout") + Read("aborted");
        skipped += Read("notExecuted");
    }
    return $"{passed} passed, {failed} failed" + (skipped > 0 ? $", {skipped} skipped" : "");
}

Task("Clean").Does(() =>
{
    CleanDirectories("./src/**/bin");
    CleanDirectories("./src/**/obj");
    CleanDirectories("./tests/**/bin");
    CleanDirectories("./tests/**/obj");
    if (DirectoryExists(artifacts)) DeleteDirectory(artifacts, new DeleteDirectorySettings { Recursive = true, Force = true });
});

Task("Build").Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("TestFast").IsDependentOn("Build").Does(() => RunTests(fastOnly: true));

// zmq-raft (the reference implementation) is installed once before the slow tests use it.
Task("InstallZmqRaft").Does(() =>
{
    var exit = StartProcess("bash", new ProcessSettings { Arguments = "tests/vectors/install-zmq-raft.sh" });
    if (exit != 0)
        throw new Exception("installing zmq-raft for the interop tests failed (see the message above)");
});

void Simulate(int schedules, int first)
{
    var simulator = $"tests/RaftRunner.Raft.Simulation/bin/{configuration}/net10.0/RaftRunner.Raft.Simulation.dll";
    if (!FileExists(simulator))
        throw new Exception($"{simulator} was not built (is the project in RaftRunner.Actors.sln?)");
    var exit = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = $"{simulator} --schedules {schedules} --first-seed {first}",
    });
    if (exit != 0)
        throw new Exception("the simulator found violations (each printed above with the command that replays it)");
}

Task("Simulate").IsDependentOn("Build").Does(() => Simulate(2000, 1));

Task("Soak").IsDependentOn("Build").Does(() => Simulate(soakSeeds, firstSeed));

Task("Test").IsDependentOn("Build").IsDependentOn("InstallZmqRaft").IsDependentOn("Simulate").Does(() => RunTests(fastOnly: false));

Task("Bench").IsDependentOn("Build").Does(() =>
{
    DotNetRun("./tests/RaftRunner.Benchmarks/RaftRunner.Benchmarks.csproj", new ProcessArgumentBuilder().Append(benchArgs), new DotNetRunSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
    });
});

// The main job (DESIGN.md): three local nodes, the web monitor at http://localhost:8042, sample writes, a
// failover and a summary; in a terminal the cluster stays up for the browser until Ctrl+C.
Task("Demo").IsDependentOn("Build").Does(() =>
{
    DotNetRun("./src/RaftRunner.Cli/RaftRunner.Cli.csproj", new ProcessArgumentBuilder().Append("demo"), new DotNetRunSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
    });
});

Task("Default").IsDependentOn("Test");

RunTarget(target);
