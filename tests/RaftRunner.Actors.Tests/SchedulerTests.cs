using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RaftRunner.Actors.Scheduling;

namespace RaftRunner.Actors.Tests;

public sealed class SchedulerTests
{
    [Fact]
    public void Virtual_time_runs_due_actions_in_due_order_and_ties_in_schedule_order()
    {
        var scheduler = new VirtualTimeScheduler();
        var log = new List<string>();
        scheduler.ScheduleOnce(TimeSpan.FromSeconds(2), () => log.Add("b"));
        scheduler.ScheduleOnce(TimeSpan.FromSeconds(1), () => log.Add("a1"));
        scheduler.ScheduleOnce(TimeSpan.FromSeconds(1), () => log.Add("a2"));
        scheduler.ScheduleOnce(TimeSpan.FromSeconds(3), () => log.Add("c"));
        scheduler.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(new[] { "a1", "a2", "b" }, log);
        Assert.Equal(TimeSpan.FromSeconds(2), scheduler.Now);
    }

    [Fact]
    public void An_action_sees_its_own_due_time_as_now()
    {
        var scheduler = new VirtualTimeScheduler();
        var seen = TimeSpan.Zero;
        scheduler.ScheduleOnce(TimeSpan.FromMilliseconds(150), () => seen = scheduler.Now);
        scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(150), seen);
    }

    [Fact]
    public void Repeated_actions_fire_once_per_interval_until_cancelled()
    {
        var scheduler = new VirtualTimeScheduler();
        var count = 0;
        var schedule = scheduler.ScheduleRepeatedly(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50), () => count++);
        scheduler.Advance(TimeSpan.FromMilliseconds(300)); // 100, 150, 200, 250, 300
        Assert.Equal(5, count);
        schedule.Cancel();
        scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, count);
        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public void An_action_may_schedule_another_that_falls_due_in_the_same_advance()
    {
        var scheduler = new VirtualTimeScheduler();
        var log = new List<TimeSpan>();
        scheduler.ScheduleOnce(TimeSpan.FromSeconds(1), () =>
        {
            log.Add(scheduler.Now);
            scheduler.ScheduleOnce(TimeSpan.FromSeconds(1), () => log.Add(scheduler.Now));
        });
        scheduler.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) }, log);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var scheduler = new VirtualTimeScheduler();
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Advance(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.Zero, () => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SystemScheduler().ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.Zero, () => { }));
    }

    [Fact]
    public async Task The_system_scheduler_fires_on_real_time_and_cancel_stops_it()
    {
        var scheduler = new SystemScheduler();
        var once = new TaskCompletionSource();
        scheduler.ScheduleOnce(TimeSpan.FromMilliseconds(10), () => once.TrySetResult());
        await once.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var ticks = 0;
        var repeating = scheduler.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.FromMilliseconds(5), () => Interlocked.Increment(ref ticks));
        for (var i = 0; i < 500 && Volatile.Read(ref ticks) < 3; i++)
            await Task.Delay(5);
        repeating.Cancel();
        Assert.True(repeating.IsCancellationRequested);
        var after = Volatile.Read(ref ticks);
        await Task.Delay(50);
        Assert.True(Volatile.Read(ref ticks) <= after + 1, "at most one tick already in flight when cancelled");
        Assert.True(after >= 3);
    }

    [Fact]
    public void Advance_runs_every_due_action_and_then_rethrows_the_one_that_threw()
    {
        var scheduler = new VirtualTimeScheduler();
        var log = new List<string>();
        scheduler.ScheduleOnce(TimeSpan.FromSeconds(1), () => throw new InvalidOperationException("first"));
        scheduler.ScheduleOnce(TimeSpan.FromSeconds(2), () => log.Add("second"));
        var e = Assert.Throws<InvalidOperationException>(() => scheduler.Advance(TimeSpan.FromSeconds(3)));
        Assert.Equal("first", e.Message);
        Assert.Equal(new[] { "second" }, log);
        Assert.Equal(TimeSpan.FromSeconds(3), scheduler.Now);
    }

    [Fact]
    public void Several_actions_that_throw_in_one_advance_come_back_together()
    {
        var scheduler = new VirtualTimeScheduler();
        var ticks = 0;
        scheduler.ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), () =>
        {
            ticks++;
            throw new InvalidOperationException("tick " + ticks);
        });
        var e = Assert.Throws<AggregateException>(() => scheduler.Advance(TimeSpan.FromSeconds(3)));
        Assert.Equal(3, e.InnerExceptions.Count);
        scheduler.Advance(TimeSpan.FromMilliseconds(500)); // nothing due: no exception, and the schedule lives on
        Assert.Throws<InvalidOperationException>(() => scheduler.Advance(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(4, ticks);
    }

    [Fact]
    public async Task A_scheduled_action_that_throws_is_logged_by_the_system_and_the_schedule_carries_on()
    {
        var logged = new ConcurrentQueue<string>();
        await using var system = ActorSystem.Create("throwing", options: new ActorSystemOptions { LoggerFactory = new CapturingLoggerFactory(logged) });
        var ticks = 0;
        var repeating = system.Scheduler.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.FromMilliseconds(5), () =>
        {
            Interlocked.Increment(ref ticks);
            throw new InvalidOperationException("scheduled action failed");
        });
        for (var i = 0; i < 500 && Volatile.Read(ref ticks) < 3; i++)
            await Task.Delay(5);
        repeating.Cancel();
        Assert.True(Volatile.Read(ref ticks) >= 3, "a throwing repeated action should keep being run");
        Assert.Contains(logged, l => l.Contains("scheduled action failed"));
    }

    [Fact]
    public void A_cancelled_one_shot_never_runs()
    {
        var scheduler = new VirtualTimeScheduler();
        var ran = false;
        scheduler.ScheduleOnce(TimeSpan.FromSeconds(1), () => ran = true).Cancel();
        scheduler.Advance(TimeSpan.FromSeconds(2));
        Assert.False(ran);
    }

    private sealed class CapturingLoggerFactory(ConcurrentQueue<string> lines) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider) { }

        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
