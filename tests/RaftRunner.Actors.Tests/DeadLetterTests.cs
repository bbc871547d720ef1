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

    [Fact]
    public void A_dead_letter_about_a_DeadLetter_is_not_published_again()
    {
        // A subscriber that passes events on to an actor that has stopped: each DeadLetter it gets becomes a
        // dead letter itself. Were that published as a new DeadLetter, it would reach this subscriber again,
        // and so on until the stack overflows; the subscriber refuses to recurse so a regression fails here.
        var dead = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(dead);
        Sys.Stop(dead);
        ExpectTerminated(dead);
        var subscriber = new RecursionGuard(dead);
        Sys.EventStream.Subscribe(subscriber, typeof(DeadLetter));
        var before = Sys.DeadLetterCount;
        Sys.DeadLetters.Tell("lost");
        Assert.Equal(1, subscriber.Deliveries);
        Assert.Equal(1, subscriber.DeepestNesting);
        Assert.Equal(before + 2, Sys.DeadLetterCount); // "lost", and the DeadLetter the dead actor could not take
    }

    [Fact]
    public async Task Actors_telling_a_stopped_DeadLetter_subscriber_while_the_system_terminates_stop_cleanly()
    {
        // The shape of a TestKit at Dispose: a DeadLetter subscriber stops first, then actors whose PostStop
        // still tell it turn every one of those messages into dead letters.
        var monitor = Sys.ActorOf(Props.Create(() => new EchoActor()), "monitor");
        var subscriber = new RecursionGuard(monitor);
        Sys.EventStream.Subscribe(subscriber, typeof(DeadLetter));
        using var started = new CountdownEvent(50);
        for (var i = 0; i < 50; i++)
            Sys.ActorOf(Props.Create(() => new TellsOnStop(monitor, started)));
        Assert.True(started.Wait(TimeSpan.FromSeconds(5)), "the actors did not start");
        Watch(monitor);
        Sys.Stop(monitor);
        ExpectTerminated(monitor);
        var before = Sys.DeadLetterCount;
        await Sys.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(Sys.DeadLetterCount >= before + 50, "every PostStop's message to the stopped monitor is a dead letter");
        Assert.Equal(1, subscriber.DeepestNesting);
    }

    [Fact]
    public void An_actor_that_stops_is_unsubscribed_from_the_event_stream()
    {
        var monitor = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(monitor, typeof(DeadLetter));
        Sys.EventStream.Subscribe(probe, typeof(DeadLetter));
        Watch(monitor);
        Watch(probe);
        Sys.Stop(monitor);
        ExpectTerminated(monitor);
        Sys.Stop(probe);
        ExpectTerminated(probe);
        Assert.False(Sys.EventStream.Unsubscribe(monitor), "the stopped actor should no longer be subscribed");
        Assert.False(Sys.EventStream.Unsubscribe(probe), "the stopped probe should no longer be subscribed");
    }

    [Fact]
    public void An_event_for_a_subscriber_found_stopped_drops_the_subscription_instead_of_making_a_dead_letter()
    {
        var late = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(late);
        Sys.Stop(late);
        ExpectTerminated(late);
        Sys.EventStream.Subscribe(late, typeof(string)); // subscribed after it stopped: nothing unsubscribes it eagerly
        var before = Sys.DeadLetterCount;
        Sys.EventStream.Publish("event");
        Assert.Equal(before, Sys.DeadLetterCount);
        Assert.False(Sys.EventStream.Unsubscribe(late), "publishing should have dropped the stopped subscriber");
    }

    /// <summary>A non-actor subscriber that forwards to <paramref name="target"/> and refuses to be re-entered.</summary>
    private sealed class RecursionGuard(IActorRef target) : IActorRef
    {
        [ThreadStatic] private static int t_nesting;
        private int _deliveries;
        private int _deepest;

        public int Deliveries => Volatile.Read(ref _deliveries);

        public int DeepestNesting => Volatile.Read(ref _deepest);

        public ActorPath Path { get; } = ActorPath.Root("test").Child("recursion-guard");

        public void Tell(object message, IActorRef? sender = null)
        {
            Interlocked.Increment(ref _deliveries);
            var nesting = ++t_nesting;
            try
            {
                int seen;
                while ((seen = Volatile.Read(ref _deepest)) < nesting && Interlocked.CompareExchange(ref _deepest, nesting, seen) != seen)
                {
                }
                if (nesting == 1)
                    target.Tell(message, sender);
            }
            finally
            {
                t_nesting--;
            }
        }

        public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override int GetHashCode() => Path.GetHashCode();
    }

    private sealed class TellsOnStop : ReceiveActor
    {
        private readonly IActorRef _target;

        public TellsOnStop(IActorRef target, CountdownEvent started)
        {
            _target = target;
            started.Signal();
            ReceiveAny(_ => { });
        }

        protected internal override void PostStop() => _target.Tell("stopping");
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
