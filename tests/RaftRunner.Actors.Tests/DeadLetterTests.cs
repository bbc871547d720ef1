using Microsoft.Extensions.Logging;

namespace RaftRunner.Actors.Tests;

public sealed class DeadLetterTests : TestKit.TestKit
{
    [Fact]
    public void Telling_a_stopped_actor_publishes_a_dead_letter_and_never_throws()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe, typeof(DeadLetter));
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(target);
        Sys.Stop(target);
        ExpectTerminated(target);
        target.Tell("late", TestActor);
        var letter = probe.ExpectMsg<DeadLetter>();
        Assert.Equal("late", letter.Message);
        Assert.Equal(TestActor, letter.Sender);
        Assert.Equal(target, letter.Recipient);
    }

    [Fact]
    public async Task Dead_letters_are_logged_once_each_with_their_type_up_to_the_limit()
    {
        var sink = new ListLogger();
        await using var system = ActorSystem.Create("dl", Hocon.HoconConfig.Parse("raft-runner.actors.log-dead-letters = 3"),
            new ActorSystemOptions { LoggerFactory = new SingleLoggerFactory(sink) });
        var target = system.ActorOf(Props.Create(() => new EchoActor()));
        var watcher = TestKit.TestProbeFactory.Create(system);
        watcher.Watch(target);
        system.Stop(target);
        watcher.ExpectTerminated(target);
        for (var i = 0; i < 10; i++)
            target.Tell(new Uri($"http://x/{i}"));
        Assert.Equal(10, system.DeadLetterCount);
        var lines = sink.Lines.Where(l => l.Contains("Dead letter")).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Contains("Uri", lines[^1]);
        Assert.Contains("further dead letters are not logged", lines[^1]);
    }

    private sealed class ListLogger : ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));
    }

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider) { }

        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose() { }
    }
}
