namespace RaftRunner.Actors.Tests;

public sealed class StashTests : TestKit.TestKit
{
    [Fact]
    public void Stashed_messages_are_replayed_in_order_before_newer_ones()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)));
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("open");
        actor.Tell("c");
        ExpectMsg("a");
        ExpectMsg("b");
        ExpectMsg("c");
    }

    [Fact]
    public void Unstash_returns_only_the_oldest()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)));
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("one");
        ExpectMsg("a");
        actor.Tell("count", TestActor);
        ExpectMsg(1);
    }

    [Fact]
    public void Stashing_the_same_message_twice_is_an_error_that_fails_the_actor()
    {
        var actor = Sys.ActorOf(Props.Create(() => new DoubleStasher(TestActor)));
        ExpectMsg("started");
        actor.Tell("x");
        ExpectMsg("started"); // restarted after InvalidOperationException
    }

    [Fact]
    public void On_restart_stashed_messages_go_back_to_the_mailbox()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)));
        actor.Tell("a");
        actor.Tell("boom");
        // The new instance starts closed again and stashes "a" once more; opening it releases "a".
        actor.Tell("open");
        ExpectMsg("a");
    }

    [Fact]
    public void On_stop_stashed_messages_become_dead_letters()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe, typeof(DeadLetter));
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)));
        actor.Tell("stashed");
        actor.Tell(PoisonPill.Instance);
        Assert.Equal("stashed", probe.ExpectMsg<DeadLetter>().Message);
    }

    [Fact]
    public void Two_deliveries_of_one_singleton_message_may_both_be_stashed()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Initializing(TestActor)));
        ExpectMsg("started");
        actor.Tell(Tick.Instance);
        actor.Tell(Tick.Instance);
        actor.Tell("ready");
        ExpectMsg("tick");
        ExpectMsg("tick");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // not restarted by a false "already stashed"
    }

    [Fact]
    public async Task A_stashed_Terminated_is_delivered_after_unstash()
    {
        var victim = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var watcher = Sys.ActorOf(Props.Create(() => new StashingWatcher(victim, TestActor)));
        ExpectMsg("watching");
        Sys.Stop(victim);
        for (var tries = 0; await watcher.Ask<int>("count", TimeSpan.FromSeconds(3)) == 0; tries++)
        {
            Assert.True(tries < 300, "the Terminated was never stashed");
            await Task.Delay(10);
        }
        watcher.Tell("open");
        Assert.Equal(victim, ExpectMsg<Terminated>().Actor);
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed class Initializing : ReceiveActor, IWithStash
    {
        public Initializing(IActorRef probe)
        {
            probe.Tell("started");
            Receive<string>(_ =>
            {
                Become(() => Receive<Tick>(_ => probe.Tell("tick")));
                Stash.UnstashAll();
            }, s => s == "ready");
            ReceiveAny(_ => Stash.Stash());
        }

        public IStash Stash { get; set; } = null!;
    }

    private sealed class StashingWatcher : ReceiveActor, IWithStash
    {
        public StashingWatcher(IActorRef victim, IActorRef probe)
        {
            Context.Watch(victim);
            probe.Tell("watching");
            Receive<string>(_ => Sender.Tell(Stash.Count), s => s == "count");
            Receive<string>(_ =>
            {
                Become(() => Receive<Terminated>(t => probe.Tell(t)));
                Stash.UnstashAll();
            }, s => s == "open");
            ReceiveAny(_ => Stash.Stash());
        }

        public IStash Stash { get; set; } = null!;
    }

    private sealed class Gate : ReceiveActor, IWithStash
    {
        public Gate(IActorRef probe)
        {
            Receive<string>(_ => throw new InvalidOperationException("boom"), s => s == "boom");
            Receive<string>(_ =>
            {
                Become(() => ReceiveAny(m => probe.Tell(m)));
                Stash.UnstashAll();
            }, s => s == "open");
            Receive<string>(_ =>
            {
                Stash.Unstash();
                Become(() =>
                {
                    Receive<string>(_ => Sender.Tell(Stash.Count), s => s == "count");
                    ReceiveAny(m => probe.Tell(m));
                });
            }, s => s == "one");
            ReceiveAny(_ => Stash.Stash());
        }

        public IStash Stash { get; set; } = null!;
    }

    private sealed class DoubleStasher : ReceiveActor, IWithStash
    {
        public DoubleStasher(IActorRef probe)
        {
            probe.Tell("started");
            ReceiveAny(_ =>
            {
                Stash.Stash();
                Stash.Stash();
            });
        }

        public IStash Stash { get; set; } = null!;
    }
}
