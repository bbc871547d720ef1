namespace RaftRunner.Node.Tests.Docs;

// Inside the namespace: found before the root namespace RaftRunner (see the facade's remarks).
using ExampleApp;
using RaftRunner.Hosting;
using RaftRunner.Protocol;
using RaftRunner.Testing;

/// <summary>
/// README.md's "Your own state machine" and "Joining and leaving a cluster" show src/ExampleApp's code: every C# block
/// there must be that code, word for word, so the README cannot drift from code that compiles; and that state
/// machine is run here as a real three-node cluster.
/// </summary>
public sealed class ReadmeExampleTests : IAsyncLifetime
{
    private const long SnapshotInterval = 10;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rr-readme-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, RaftRunner> _nodes = [];
    private readonly Dictionary<string, BankAccounts> _accounts = [];
    private readonly PeerInfo[] _peers = [.. FreePort.Distinct(3).Select((port, i) => new PeerInfo($"n{i + 1}", $"tcp://127.0.0.1:{port}"))];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Values)
            await node.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Theory]
    [InlineData("## Your own state machine", 2)]
    [InlineData("## Joining and leaving a cluster", 1)]
    public void Every_csharp_block_of_the_readme_section_is_code_of_ExampleApp(string heading, int atLeast)
    {
        var root = RepositoryRoot();
        var blocks = CSharpBlocks(Section(File.ReadAllText(Path.Combine(root, "README.md")), heading));
        Assert.True(blocks.Count >= atLeast, $"README.md's \"{heading}\" should show at least {atLeast} C# block(s), not {blocks.Count}");
        var sources = Directory.GetFiles(Path.Combine(root, "src", "ExampleApp"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => File.ReadAllText(f).ReplaceLineEndings("\n"))
            .ToArray();
        Assert.NotEmpty(sources);
        foreach (var block in blocks)
        {
            // A whole member is shown without its class's indentation; anything else must match exactly.
            var found = sources.Any(source => new[] { 0, 4, 8 }.Any(indent => source.Contains(Indent(block, indent), StringComparison.Ordinal)));
            Assert.True(found, $"this C# block of README.md's \"{heading}\" is not in any file of src/ExampleApp (copy it from there):\n{block}");
        }
    }

    [Fact]
    public async Task The_example_state_machine_applies_rejects_answers_and_restarts_with_equal_state()
    {
        foreach (var peer in _peers)
            Start(peer.Id);
        var leader = await _nodes["n1"].WaitForLeaderAsync(Timeout(30));
        var follower = _peers.First(p => p.Id != leader).Id;
        var otherFollower = _peers.Last(p => p.Id != leader).Id;

        // Through a follower: each change returns what BankAccounts.ApplyAsync returned on that node.
        var requestId = RequestId.New();
        var deposit = await _nodes[follower].ChangeStateMachineAsync(BankCommand.Parse("deposit alice 100").Encode(), requestId, Timeout(20));
        Assert.Equal(100L, deposit.Result);
        Assert.Equal(70L, (await Change(follower, "withdraw alice 30")).Result);
        Assert.Equal(50L, (await Change(follower, "transfer alice bob 20")).Result);

        // A retry with the same request id finds the change instead of applying it again.
        var retry = await _nodes[follower].ChangeStateMachineAsync(BankCommand.Parse("deposit alice 100").Encode(), requestId, Timeout(20));
        Assert.Equal(deposit.Index, retry.Index);
        Assert.Null(retry.Result);

        // Rejections: the state machine threw, the entry is committed with no effect, the caller learns why.
        var overdraft = await Assert.ThrowsAsync<ChangeFailedException>(() => Change(follower, "withdraw bob 1000"));
        Assert.Equal(ChangeFailure.ApplyFailed, overdraft.Reason);
        Assert.IsType<InvalidOperationException>(overdraft.InnerException);
        var garbage = await Assert.ThrowsAsync<ChangeFailedException>(() => _nodes[follower].ChangeStateMachineAsync("steal everything"u8.ToArray(), Timeout(20)));
        Assert.Equal(ChangeFailure.ApplyFailed, garbage.Reason);
        Assert.IsType<FormatException>(garbage.InnerException);
        Assert.True(garbage.Index > overdraft.Index);

        // More than two snapshot intervals, through every node, so the restart below starts from a snapshot.
        var last = 0L;
        for (var i = 1; i <= 3 * SnapshotInterval; i++)
            last = (await Change(_peers[i % 3].Id, $"deposit carol {i}")).Index;
        var carol = 3 * SnapshotInterval * (3 * SnapshotInterval + 1) / 2;

        // A linearizable read on the other follower sees every change above, wherever it was made.
        Assert.Equal(20L, await Query(otherFollower, BankQuery.Balance("bob")));
        Assert.Equal(70L + carol, await Query(otherFollower, BankQuery.Total));
        await AllApplied(last);
        AssertSameBalances();

        // A restarted follower restores its latest snapshot, applies the log after it, and goes on.
        await Stop(follower);
        Assert.Equal(carol, await Query(leader, BankQuery.Balance("carol")));
        Start(follower);
        last = (await Change(follower, "deposit dave 5")).Index;
        await AllApplied(last);
        AssertSameBalances();
        Assert.True((await _nodes[follower].GetStatusAsync()).FirstIndex > 1, "the restarted node's log should begin after a snapshot");
        Assert.Equal($"alice=50,bob=20,carol={carol},dave=5", Format(_accounts[follower]));
    }

    private void Start(string id)
    {
        var url = _peers.Single(p => p.Id == id).Url;
        var accounts = _accounts[id] = new BankAccounts();
        _nodes[id] = new RaftRunner(new NodeSettings
        {
            NodeId = id,
            Url = url,
            BindUrl = url,
            DataDirectory = Path.Combine(_root, id),
            Peers = _peers,
            SnapshotInterval = SnapshotInterval,
        }, accounts);
    }

    private async Task Stop(string id)
    {
        if (_nodes.Remove(id, out var node))
            await node.DisposeAsync();
    }

    private Task<ChangeResult> Change(string id, string command) =>
        _nodes[id].ChangeStateMachineAsync(BankCommand.Parse(command).Encode(), Timeout(20));

    private async Task<long> Query(string id, BankQuery query) =>
        BankQuery.DecodeAnswer((await _nodes[id].QueryAsync(query.Encode(), ReadConsistency.Linearizable, Timeout(20))).Span);

    private async Task AllApplied(long index)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var node in _nodes.Values)
        {
            while ((await node.GetStatusAsync()).LastApplied < index)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"node {node.Id} did not apply {index} in time");
                await Task.Delay(50);
            }
        }
    }

    private void AssertSameBalances()
    {
        var balances = _nodes.Keys.ToDictionary(id => id, id => Format(_accounts[id]));
        Assert.True(balances.Values.Distinct().Count() == 1, "balances differ: " + string.Join("; ", balances.Select(b => $"{b.Key}: {b.Value}")));
    }

    private static string Format(BankAccounts accounts) => string.Join(",", accounts.Balances.Select(b => $"{b.Key}={b.Value}"));

    private static CancellationToken Timeout(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>The folder holding RaftRunner.Actors.sln, above the test's output folder.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RaftRunner.Actors.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no RaftRunner.Actors.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>From the heading's line to the next "## " heading.</summary>
    private static string Section(string markdown, string heading)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"README.md has no section \"{heading}\"");
        var end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        return string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]);
    }

    private static List<string> CSharpBlocks(string section)
    {
        var blocks = new List<string>();
        List<string>? current = null;
        foreach (var line in section.Split('\n'))
        {
            if (current is null && line.Trim() == "```csharp")
            {
                current = [];
            }
            else if (current is not null && line.Trim() == "```")
            {
                blocks.Add(string.Join('\n', current));
                current = null;
            }
            else
            {
                current?.Add(line);
            }
        }
        Assert.True(current is null, "a ```csharp block is not closed");
        return blocks;
    }

    private static string Indent(string block, int spaces) =>
        string.Join('\n', block.Split('\n').Select(l => l.Length == 0 ? l : new string(' ', spaces) + l));
}
