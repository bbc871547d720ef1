namespace RaftRunner.Actors.Tests;

public sealed class SupervisionTests : TestKit.TestKit
{
    [Fact]
    public void A_failing_actor_is_restarted_with_a_fresh_instance_and_keeps_its_mailbox()
    {
        var actor = Sys.ActorOf(Props.Create(() => new LifecycleActor(TestActor)), "victim");
        ExpectMsg("prestart");
        actor.Tell("one");
        ExpectMsg("one");
        // Queued behind the failing message: must survive the restart.
        actor.Tell("boom");
        actor.Tell("two");
        actor.Tell("three");
        ExpectMsg("prerestart:boom:boom");
        ExpectMsg("poststop");
        ExpectMsg("postrestart");
        ExpectMsg("prestart");
        ExpectMsg("two");
        ExpectMsg("three");
        actor.Tell("state", TestActor);
        Assert.Equal(2, ExpectMsg<int>()); // fresh instance: counted only "two" and "three"
    }

    [Fact]
    public void The_failing_message_is_dropped_not_retried()
    {
        var actor = Sys.ActorOf(Props.Create(() => new LifecycleActor(TestActor)));
        ExpectMsg("prestart");
        actor.Tell("boom");
        FishForMessage<string>(s => s == "prestart");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Resume_keeps_the_instance_and_its_state()
    {
        var strategy = new SupervisorStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Resume);
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(strategy)));
        parent.Tell((Props.Create(() => new LifecycleActor(TestActor)), "child"), TestActor);
        var child = ExpectMsg<IActorRef>();
        ExpectMsg("prestart");
        child.Tell("a");
        ExpectMsg("a");
        child.Tell("boom");
        child.Tell("b");
        ExpectMsg("b");
        child.Tell("state", TestActor);
        Assert.Equal(2, ExpectMsg<int>());
    }

    [Fact]
    public void Stop_directive_stops_the_child_and_watchers_see_Terminated()
    {
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(SupervisorStrategy.StoppingStrategy)));
        parent.Tell((Props.Create(() => new LifecycleActor(TestActor)), "child"), TestActor);
        var child = ExpectMsg<IActorRef>();
        ExpectMsg("prestart");
        Watch(child);
        child.Tell("boom");
        ExpectMsg("poststop");
        ExpectTerminated(child);
    }

    [Fact]
    public void Too_many_restarts_within_the_window_escalate_to_the_grandparent()
    {
        var probe = CreateTestProbe();
        var strategy = new SupervisorStrategy(2, TimeSpan.FromMinutes(1));
        // The middle actor escalates; the top one (the guardian's child) gets restarted by the guardian's default.
        var middle = Sys.ActorOf(Props.Create(() => new ParentActor(strategy)).WithSupervisorStrategy(strategy), "middle");
        middle.Tell((Props.Create(() => new LifecycleActor(probe)), "child"), TestActor);
        var child = ExpectMsg<IActorRef>();
        probe.ExpectMsg("prestart");
        Watch(middle);
        Watch(child);
        for (var i = 0; i < 3; i++)
            child.Tell("boom");
        // Two restarts are allowed, the third failure escalates: middle restarts, which stops its children.
        ExpectTerminated(child);
        middle.Tell("children", TestActor);
        Assert.Empty(ExpectMsg<string[]>());
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // middle itself was restarted, not stopped
    }

    [Fact]
    public async Task A_top_level_actor_that_exhausts_the_guardians_restarts_is_stopped_and_the_system_keeps_running()
    {
        await using var system = ActorSystem.Create("budget", Hocon.HoconConfig.Parse("raft-runner.actors.supervision { max-retries = 1, within = 1m }"));
        var probe = TestKit.TestProbeFactory.Create(system);
        var victim = system.ActorOf(Props.Create(() => new LifecycleActor(probe)), "victim");
        var bystander = system.ActorOf(Props.Create(() => new EchoActor()), "bystander");
        probe.ExpectMsg("prestart");
        probe.Watch(victim);
        victim.Tell("boom"); // first failure: restarted
        probe.FishForMessage<string>(s => s == "prestart");
        victim.Tell("boom"); // second within the window: escalated to the guardian, which stops it
        probe.FishForMessage<Terminated>(t => t.Actor.Equals(victim));
        Assert.Equal("alive", await bystander.Ask<string>("alive", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void An_actor_throwing_in_its_constructor_is_stopped_and_watchers_are_told()
    {
        var failing = Sys.ActorOf(Props.Create(() => new ThrowsInConstructor()), "ctor");
        Watch(failing);
        ExpectTerminated(failing);
        failing.Tell("late"); // a dead letter, not an exception
    }

    [Fact]
    public void An_actor_throwing_in_PreStart_is_stopped()
    {
        var failing = Sys.ActorOf(Props.Create(() => new ThrowsInPreStart()), "prestart");
        Watch(failing);
        ExpectTerminated(failing);
    }

    [Fact]
    public void Kill_makes_the_actor_fail_and_the_default_decision_stops_it()
    {
        var actor = Sys.ActorOf(Props.Create(() => new LifecycleActor(TestActor)));
        ExpectMsg("prestart");
        Watch(actor);
        actor.Tell(Kill.Instance);
        ExpectMsg("poststop");
        ExpectTerminated(actor);
    }

    [Fact]
    public void Restart_stops_the_failed_instances_children_and_frees_their_names()
    {
        var parent = Sys.ActorOf(Props.Create(() => new NamedChildOwner(TestActor)), "owner");
        ExpectMsg("child up");
        parent.Tell("boom");
        ExpectMsg("child up"); // the new instance could create a child with the same name
        parent.Tell("ping", TestActor);
        ExpectMsg("pong");
    }

    [Fact]
    public void PoisonPill_stops_after_the_messages_queued_before_it()
    {
        var actor = Sys.ActorOf(Props.Create(() => new LifecycleActor(TestActor)));
        ExpectMsg("prestart");
        actor.Tell("a");
        actor.Tell(PoisonPill.Instance);
        actor.Tell("after");
        ExpectMsg("a");
        ExpectMsg("poststop");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private sealed class ThrowsInConstructor : ReceiveActor
    {
        public ThrowsInConstructor() => throw new InvalidOperationException("cannot construct");
    }

    private sealed class ThrowsInPreStart : ReceiveActor
    {
        protected internal override void PreStart() => throw new InvalidOperationException("cannot start");
    }

    private sealed class NamedChildOwner : ReceiveActor
    {
        public NamedChildOwner(IActorRef probe)
        {
            Context.ActorOf(Props.Create(() => new EchoActor()), "fixed-name");
            probe.Tell("child up");
            Receive<string>(_ => throw new InvalidOperationException("boom"), s => s == "boom");
            Receive<string>(_ => Sender.Tell("pong"), s => s == "ping");
        }
    }
}
