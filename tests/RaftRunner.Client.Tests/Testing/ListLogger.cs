using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RaftRunner.Client.Tests.Testing;

/// <summary>Keeps every log line (event id and text), so a test can see what the client went through.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public ConcurrentQueue<(int EventId, string Text)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Lines.Enqueue((eventId.Id, formatter(state, exception)));
        Timed.Enqueue($"{_clock.ElapsedMilliseconds}ms t{Environment.CurrentManagedThreadId} {eventId.Id}: {formatter(state, exception)}");
    }

    /// <summary>The same lines with the time since the logger was made and the thread, for failure messages.</summary>
    public ConcurrentQueue<string> Timed { get; } = new();

    public IEnumerable<string> Texts(int eventId) => Lines.Where(l => l.EventId == eventId).Select(l => l.Text);

    public override string ToString() => string.Join("\n", Timed);
}
