namespace RaftRunner.Raft.Tests.Scenarios;

/// <summary>The scenario files in Scenarios/testdata, each a story of commands and the output they must give.</summary>
public sealed class ScenarioTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Scenarios", "testdata"), "*.txt").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Scenario_gives_the_expected_output(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Scenarios", "testdata", file);
        var (expected, actual) = ScenarioRunner.Run(path);
        if (Environment.GetEnvironmentVariable("RAFTRUNNER_REWRITE") == "1")
        {
            var source = Path.Combine(FindTestsFolder(), "Scenarios", "testdata", file);
            File.WriteAllText(source, actual);
            return;
        }
        Assert.Equal(expected, actual);
    }

    private static string FindTestsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RaftRunner.Raft.Tests.csproj")))
                return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the test project folder");
    }
}
