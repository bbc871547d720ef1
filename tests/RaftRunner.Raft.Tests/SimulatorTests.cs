using RaftRunner.Raft.Simulation;

namespace RaftRunner.Raft.Tests;

/// <summary>
/// The simulator run from the test suite: a share of the schedules on the real core must pass, and each
/// deliberately broken core must be caught (a checker that cannot fail proves nothing).
/// </summary>
public sealed class SimulatorTests
{
    [Fact]
    public void Three_hundred_fault_schedules_keep_every_safety_and_liveness_property()
    {
        var failures = Enumerable.Range(10_001, 300)
            .Select(seed => (seed, violation: new Simulator(seed).Run()))
            .Where(r => r.violation is not null)
            .Select(r => $"seed {r.seed}: {r.violation}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData(CoreFaults.GrantTwoVotesPerTerm, "two leaders")]
    [InlineData(CoreFaults.SkipPersistingVotedFor, "two leaders")]
    [InlineData(CoreFaults.CommitPreviousTermByCounting, "committed")]
    [InlineData(CoreFaults.IgnoreRequestIdCache, "twice")]
    internal void A_broken_core_is_caught_within_the_CI_seeds(CoreFaults fault, string expected)
    {
        for (var seed = 1; seed <= 2000; seed++)
        {
            if (new Simulator(seed, fault).Run() is { } violation)
            {
                Assert.Contains(expected, violation);
                return;
            }
        }
        Assert.Fail($"the simulator did not catch {fault} in 2,000 schedules");
    }
}
