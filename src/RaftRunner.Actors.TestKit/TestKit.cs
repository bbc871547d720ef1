using Microsoft.Extensions.Logging;
using RaftRunner.Actors.Scheduling;
using RaftRunner.Hocon;
using Xunit.Abstractions;

namespace RaftRunner.Actors.TestKit;

/// <summary>
/// Base class for actor tests with xunit: one actor system per test, a default probe
/// (<see cref="TestActor"/>) whose messages the Expect methods read, and optional virtual time.
/// </summary>
public abstract class TestKit : TestKitBase, IDisposable
{
    private readonly TestProbe _testActor;
    private readonly ILoggerFactory? _loggerFactory;

    /// <param name="config">The system's configuration (defaults to empty: every setting at its default).</param>
    /// <param name="output">xunit output; when given, the system's logs go there.</param>
    /// <param name="virtualTime">Run the system's scheduler on virtual time, moved with <see cref="Advance"/>.</param>
    protected TestKit(Config? config = null, ITestOutputHelper? output = null, bool virtualTime = false)
    {
        VirtualTime = virtualTime ? new VirtualTimeScheduler() : null;
        _loggerFactory = output is null ? null : LoggerFactory.Create(b => b.AddProvider(new XunitLoggerProvider(output)).SetMinimumLevel(LogLevel.Debug));
        Sys = ActorSystem.Create(GetType().Name.Replace('`', '_'), config, new ActorSystemOptions
        {
            Scheduler = VirtualTime,
            LoggerFactory = _loggerFactory,
        });
        _testActor = new TestProbe(Sys, "testActor");
    }

    public override ActorSystem Sys { get; }

    public override IActorRef TestActor => _testActor;

    /// <summary>The virtual clock, when the kit was created with virtual time.</summary>
    public VirtualTimeScheduler? VirtualTime { get; }

    internal override MessageQueue Queue => _testActor.Queue;

    public TestProbe CreateTestProbe(string? name = null) => new(Sys, name);

    /// <summary>Moves virtual time forward, firing every timer that falls due; rethrows what a scheduled action threw.</summary>
    public void Advance(TimeSpan by) =>
        (VirtualTime ?? throw new InvalidOperationException("this TestKit runs on real time; pass virtualTime: true")).Advance(by);

    public IActorRef Watch(IActorRef subject) => _testActor.Watch(subject);

    public IActorRef Unwatch(IActorRef subject) => _testActor.Unwatch(subject);

    public IActorRef ActorOf(Props props, string? name = null) => Sys.ActorOf(props, name);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        if (!Sys.Terminate().Wait(TimeSpan.FromSeconds(10)))
            throw new TimeoutException($"{Sys} did not terminate within 10 s");
        _loggerFactory?.Dispose();
    }
}
