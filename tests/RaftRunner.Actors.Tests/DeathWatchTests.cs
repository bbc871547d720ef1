namespace RaftRunner.Actors.Tests;

public sealed class DeathWatchTests : TestKit.TestKit
{
    [Fact]
    public void Terminated_reaches_every_watcher()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var other = CreateTestProbe();
        Watch(target);
        other.Watch(target);
        Sys.Stop(target);
        Assert.Equal(target, ExpectTerminated(target).Actor);
        other.ExpectTerminated(target);
    }

    [Fact]
    public void Watching_an_already_stopped_actor_gives_Terminated_at_once()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(target);
        Sys.Stop(target);
        ExpectTerminated(target);
        var late = CreateTestProbe();
        late.Watch(target);
        late.ExpectTerminated(target);
    }

    [Fact]
    public void After_Unwatch_no_Terminated_arrives()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(target);
        Unwatch(target);
        Sys.Stop(target);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Messages_sent_before_dying_arrive_before_Terminated()
    {
        var target = Sys.ActorOf(Props.Create(() => new SendThenStop(TestActor)));
        Watch(target);
        target.Tell("go");
        ExpectMsg("last words");
        ExpectTerminated(target);
    }

    [Fact]
    public void An_unhandled_Terminated_is_a_death_pact_failure()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var watcher = Sys.ActorOf(Props.Create(() => new IgnoringWatcher(target, TestActor)));
        ExpectMsg("prestart");
        Watch(watcher);
        Sys.Stop(target);
        // DeathPactException stops the watcher (default decider, as in Akka): it dies with what it watched.
        ExpectTerminated(watcher);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // not restarted: no second "prestart"
    }

    [Fact]
    public void Watching_a_live_TestProbe_reports_nothing_until_the_probe_stops()
    {
        var probe = CreateTestProbe("dependency");
        var watcher = Sys.ActorOf(Props.Create(() => new ReportingWatcher(probe, TestActor)));
        ExpectMsg("watching");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Sys.Stop(probe);
        Assert.Equal(probe, ExpectMsg<Terminated>().Actor);
        Assert.NotNull(watcher);
    }

    [Fact]
    public void A_TestProbe_can_be_stopped_watched_and_unwatched_like_an_actor()
    {
        var probe = CreateTestProbe();
        var other = CreateTestProbe();
        Watch(probe);
        other.Watch(probe);
        other.Unwatch(probe);
        Sys.Stop(probe);
        ExpectTerminated(probe);
        other.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, Sys.DeadLetterCount);
    }

    [Fact]
    public void A_stopped_parent_stops_its_children_first()
    {
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(null)), "p");
        parent.Tell((Props.Create(() => new LifecycleActor(TestActor)), "c"), TestActor);
        var child = ExpectMsg<IActorRef>();
        ExpectMsg("prestart");
        Watch(child);
        Watch(parent);
        Sys.Stop(parent);
        ExpectMsg("poststop");
        ExpectTerminated(child);
        ExpectTerminated(parent);
    }

    private sealed class SendThenStop : ReceiveActor
    {
        public SendThenStop(IActorRef probe) => Receive<string>(_ =>
        {
            probe.Tell("last words");
            Context.Stop(Self);
        });
    }

    private sealed class ReportingWatcher : ReceiveActor
    {
        private readonly IActorRef _subject;
        private readonly IActorRef _probe;

        public ReportingWatcher(IActorRef subject, IActorRef probe)
        {
            _subject = subject;
            _probe = probe;
            Receive<Terminated>(t => probe.Tell(t));
        }

        protected internal override void PreStart()
        {
            Context.Watch(_subject);
            _probe.Tell("watching");
        }
    }

    private sealed class IgnoringWatcher : ReceiveActor
    {
        private readonly IActorRef _probe;

        public IgnoringWatcher(IActorRef target, IActorRef probe)
        {
            _probe = probe;
            Context.Watch(target);
            Receive<string>(_ => { });
        }

        protected internal override void PreStart() => _probe.Tell("prestart");
    }
}
