using System.Diagnostics;

namespace RaftRunner.Actors.Tests;

/// <summary>Timers on virtual time: every test moves the clock by hand, so none of them waits for real.</summary>
public sealed class TimerTests() : TestKit.TestKit(virtualTime: true)
{
    [Fact]
    public void A_single_timer_fires_once_when_due()
    {
        var actor = StartTimerActor();
        actor.Tell(new StartSingle("k", "tick", TimeSpan.FromSeconds(10)));
        Sync(actor);
        Advance(TimeSpan.FromSeconds(9));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Advance(TimeSpan.FromSeconds(1));
        ExpectMsg("tick");
        Advance(TimeSpan.FromMinutes(5));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        actor.Tell(new IsActive("k"), TestActor);
        ExpectMsg(false);
    }

    [Fact]
    public void A_periodic_timer_fires_every_interval()
    {
        var actor = StartTimerActor();
        actor.Tell(new StartPeriodic("p", "beat", TimeSpan.FromMilliseconds(70)));
        Sync(actor);
        Advance(TimeSpan.FromMilliseconds(70 * 5));
        for (var i = 0; i < 5; i++)
            ExpectMsg("beat");
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Restarting_a_key_replaces_the_old_timer()
    {
        var actor = StartTimerActor();
        actor.Tell(new StartSingle("k", "first", TimeSpan.FromSeconds(1)));
        actor.Tell(new StartSingle("k", "second", TimeSpan.FromSeconds(2)));
        Sync(actor);
        Advance(TimeSpan.FromSeconds(3));
        ExpectMsg("second");
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void A_cancelled_timer_whose_message_is_already_queued_is_not_delivered()
    {
        var actor = StartTimerActor();
        // Block the actor, let the timer fire into its mailbox, then cancel (in the actor's turn) before it is processed.
        using var gate = new ManualResetEventSlim();
        actor.Tell(new StartSingle("k", "too-late", TimeSpan.FromSeconds(1)));
        actor.Tell(new Block(gate, CancelKey: "k"));
        ExpectMsg("blocked");
        Advance(TimeSpan.FromSeconds(1)); // the timer's message now waits behind Block
        gate.Set();
        ExpectMsg("unblocked");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Timers_die_with_their_actor()
    {
        var actor = StartTimerActor();
        actor.Tell(new StartPeriodic("p", "beat", TimeSpan.FromSeconds(1)));
        Sync(actor);
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        AwaitCondition(() => { Advance(TimeSpan.FromSeconds(1)); return VirtualTime!.Pending == 0; }, message: "the periodic schedule to be cancelled");
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Timers_are_cancelled_on_restart()
    {
        var actor = StartTimerActor();
        actor.Tell(new StartPeriodic("p", "beat", TimeSpan.FromSeconds(1)));
        actor.Tell("boom");
        actor.Tell(new IsActive("p"), TestActor);
        ExpectMsg(false);
        Advance(TimeSpan.FromSeconds(5));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Virtual_time_runs_an_hour_of_timers_in_milliseconds()
    {
        var actor = StartTimerActor();
        actor.Tell(new StartPeriodic("hb", "beat", TimeSpan.FromSeconds(1)));
        Sync(actor);
        var clock = Stopwatch.StartNew();
        Advance(TimeSpan.FromHours(1));
        ReceiveN<string>(3600);
        clock.Stop();
        Assert.Equal(TimeSpan.FromHours(1), VirtualTime!.Now);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"an hour of virtual time took {clock.ElapsedMilliseconds} ms of real time");
    }

    private IActorRef StartTimerActor() => Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));

    /// <summary>Makes sure every earlier message was processed (timers are started from the actor's turn).</summary>
    private void Sync(IActorRef actor)
    {
        actor.Tell(new IsActive("none"), TestActor);
        ExpectMsg(false);
    }

    private sealed record StartSingle(string Key, string Message, TimeSpan Delay);

    private sealed record StartPeriodic(string Key, string Message, TimeSpan Interval);

    private sealed record IsActive(string Key);

    private sealed record Block(ManualResetEventSlim Gate, string CancelKey);

    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        public TimerActor(IActorRef probe)
        {
            Receive<StartSingle>(s => Timers.StartSingleTimer(s.Key, s.Message, s.Delay));
            Receive<StartPeriodic>(s => Timers.StartPeriodicTimer(s.Key, s.Message, s.Interval));
            Receive<IsActive>(a => Sender.Tell(Timers.IsTimerActive(a.Key)));
            Receive<Block>(b =>
            {
                probe.Tell("blocked");
                b.Gate.Wait(TimeSpan.FromSeconds(10));
                Timers.Cancel(b.CancelKey);
                probe.Tell("unblocked");
            });
            Receive<string>(_ => throw new InvalidOperationException("boom"), s => s == "boom");
            Receive<string>(s => probe.Tell(s));
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }
}
