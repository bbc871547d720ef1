namespace RaftRunner.Actors.Tests;

[Collection(StressCollection.Name)]
public sealed class ConcurrencyTests
{
    private const int Actors = 100;
    private const int Threads = 8;
    private const int Messages = 1_000_000;

    /// <summary>
    /// 8 threads each send 125,000 numbered messages spread over 100 actors. Every actor checks that what
    /// each thread sent it arrives in order with no gap, and counts; the totals must come out exact.
    /// </summary>
    [Fact]
    public async Task A_million_messages_from_8_threads_to_100_actors_arrive_exactly_once_in_per_sender_order()
    {
        await using var system = ActorSystem.Create("stress");
        var counters = new CountingActor.Shared(Threads);
        var actors = Enumerable.Range(0, Actors)
            .Select(i => system.ActorOf(Props.Create(() => new CountingActor(counters)), $"counter-{i}"))
            .ToArray();
        var perThread = Messages / Threads;
        var senders = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            var nextSeq = new long[Actors];
            for (var i = 0; i < perThread; i++)
            {
                var target = (i * 7 + t) % Actors;
                actors[target].Tell(new Numbered(t, nextSeq[target]++));
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(60));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Interlocked.Read(ref counters.Total) < Messages && DateTime.UtcNow < deadline)
            await Task.Delay(10);

        Assert.Equal(Messages, Interlocked.Read(ref counters.Total));
        Assert.Equal(0, Interlocked.Read(ref counters.OutOfOrder));
        Assert.Equal(0, system.DeadLetterCount);
        await Task.Delay(50);
        Assert.Equal(Messages, Interlocked.Read(ref counters.Total)); // nothing delivered twice afterwards
    }

    [Fact]
    public async Task An_actor_never_processes_two_messages_at_once()
    {
        await using var system = ActorSystem.Create("exclusive");
        var overlap = new OverlapDetector.State();
        var actor = system.ActorOf(Props.Create(() => new OverlapDetector(overlap)));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++)
                actor.Tell(i);
        })));
        Assert.Equal(-1, await actor.Ask<int>("done", TimeSpan.FromSeconds(30)));
        Assert.Equal(200_000, overlap.Processed);
        Assert.Equal(0, overlap.Overlaps);
    }

    [Fact]
    public async Task Idle_actors_hold_no_threads()
    {
        await using var system = ActorSystem.Create("idle");
        var threadsBefore = ThreadPool.ThreadCount;
        var actors = Enumerable.Range(0, 5_000).Select(_ => system.ActorOf(Props.Create(() => new EchoActor()))).ToArray();
        await Task.WhenAll(actors.Select((a, i) => a.Ask<int>(i, TimeSpan.FromSeconds(30))));
        await Task.Delay(100);
        Assert.Equal(0, ThreadPool.PendingWorkItemCount);
        // 5,000 idle actors, and the pool is no bigger than it would be for a handful of busy ones. (The pool
        // may start up to its minimum at once when work is queued; the TestKit raises that minimum.)
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        Assert.True(ThreadPool.ThreadCount <= Math.Max(threadsBefore, Math.Max(Environment.ProcessorCount, minWorkers)) + 16,
            $"thread pool grew from {threadsBefore} to {ThreadPool.ThreadCount} threads for idle actors");
    }

    private sealed record Numbered(int Thread, long Seq);

    private sealed class CountingActor : ReceiveActor
    {
        public CountingActor(Shared shared)
        {
            var expected = new long[shared.Threads];
            Receive<Numbered>(m =>
            {
                if (expected[m.Thread]++ != m.Seq)
                    Interlocked.Increment(ref shared.OutOfOrder);
                Interlocked.Increment(ref shared.Total);
            });
        }

        public sealed class Shared(int threads)
        {
            public readonly int Threads = threads;
            public long Total;
            public long OutOfOrder;
        }
    }

    private sealed class OverlapDetector : ReceiveActor
    {
        public OverlapDetector(State state)
        {
            Receive<int>(_ =>
            {
                if (Interlocked.Increment(ref state.Inside) != 1)
                    state.Overlaps++;
                state.Processed++;
                Thread.SpinWait(20);
                Interlocked.Decrement(ref state.Inside);
            });
            Receive<string>(_ => Sender.Tell(-1));
        }

        public sealed class State
        {
            public int Inside;
            public int Overlaps;
            public int Processed;
        }
    }
}
