namespace RaftRunner.Actors.TestKit;

/// <summary>Probes for a system that is not a <see cref="TestKit"/>'s own (a second system in one test).</summary>
public static class TestProbeFactory
{
    public static TestProbe Create(ActorSystem system, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new TestProbe(system, name);
    }
}
