using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RaftRunner.Actors.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task GetLogger_logs_under_the_actor_class_and_failures_name_the_dropped_message_type()
    {
        var sink = new Sink();
        await using var system = ActorSystem.Create("logs", options: new ActorSystemOptions { LoggerFactory = sink });
        var actor = system.ActorOf(Props.Create(() => new Chatty()), "chatty");
        Assert.Equal("logged", await actor.Ask<string>("hello", TimeSpan.FromSeconds(3)));
        actor.Tell(new Uri("http://fail"));
        Assert.Equal("logged", await actor.Ask<string>("again", TimeSpan.FromSeconds(3))); // restarted, still answers

        Assert.Contains(sink.Lines, l => l.Category == typeof(Chatty).FullName && l.Text == "got hello");
        Assert.Contains(sink.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("/user/chatty") && l.Text.Contains("Uri") && l.Text.Contains("dropped"));
    }

    [Fact]
    public async Task An_escalation_is_logged_as_an_escalation_naming_the_child()
    {
        var sink = new Sink();
        await using var system = ActorSystem.Create("escalation", options: new ActorSystemOptions { LoggerFactory = sink });
        var escalate = new SupervisorStrategy(-1, TimeSpan.FromMinutes(1), _ => Directive.Escalate);
        var boss = system.ActorOf(Props.Create(() => new ParentActor(escalate)), "boss");
        var child = await boss.Ask<IActorRef>((Props.Create(() => new Chatty()), "chatty"), TimeSpan.FromSeconds(3));
        child.Tell(new Uri("http://fail")); // Chatty throws on a Uri; boss's strategy escalates
        for (var i = 0; i < 300 && !sink.Lines.Any(l => l.Text.Contains("escalates")); i++)
            await Task.Delay(10);
        Assert.Contains(sink.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("/user/boss escalates the failure of its child chatty"));
        Assert.DoesNotContain(sink.Lines, l => l.Text.Contains("/user/boss failed processing"));
    }

    private sealed class Chatty : ReceiveActor
    {
        public Chatty()
        {
            var log = Context.GetLogger();
            Receive<string>(s =>
            {
                log.LogInformation("got {Text}", s);
                Sender.Tell("logged");
            });
            Receive<Uri>(_ => throw new InvalidOperationException("cannot handle uris"));
        }
    }

    private sealed class Sink : ILoggerFactory
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Text)> Lines { get; } = new();

        public void AddProvider(ILoggerProvider provider) { }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(Sink sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Lines.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
