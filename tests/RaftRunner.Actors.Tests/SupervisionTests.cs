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

    [Fact]
    public void A_child_over_its_restart_budget_is_restarted_with_a_parent_that_keeps_its_children()
    {
        // One restart allowed: the second failure escalates, the guardian restarts the parent, whose
        // PreRestart keeps its children. The child must not stay suspended waiting for a decision.
        var parent = Sys.ActorOf(Props.Create(() => new KeepsChildren(TestActor))
            .WithSupervisorStrategy(new SupervisorStrategy(1, TimeSpan.FromMinutes(1))), "keeper");
        var started = ReceiveN<object>(2); // the child's reference and its PreStart, in either order
        var child = started.OfType<IActorRef>().Single();
        Assert.Contains("child prestart", started);
        child.Tell("boom");
        ExpectMsg("child prestart"); // restarted by the parent
        child.Tell("boom");
        ExpectMsg("parent restarted");
        ExpectMsg("child prestart"); // restarted with its parent
        child.Tell("hello");
        ExpectMsg("hello");
        Assert.NotNull(parent);
    }

    [Fact]
    public void A_child_that_escalated_resumes_with_its_resumed_parent()
    {
        var resume = new SupervisorStrategy(-1, TimeSpan.FromMinutes(1), _ => Directive.Resume);
        var escalate = new SupervisorStrategy(-1, TimeSpan.FromMinutes(1), _ => Directive.Escalate);
        var top = Sys.ActorOf(Props.Create(() => new ParentActor(resume)), "top");
        top.Tell((Props.Create(() => new ParentActor(escalate)), "middle"), TestActor);
        var middle = ExpectMsg<IActorRef>();
        middle.Tell((Props.Create(() => new LifecycleActor(TestActor)), "leaf"), TestActor);
        var started = ReceiveN<object>(2); // the leaf's reference and its PreStart, in either order
        var leaf = started.OfType<IActorRef>().Single();
        Assert.Contains("prestart", started);
        leaf.Tell("a");
        ExpectMsg("a");
        leaf.Tell("boom"); // leaf → middle escalates → top resumes middle, and middle resumes leaf
        leaf.Tell("b");
        ExpectMsg("b");
        leaf.Tell("state", TestActor);
        Assert.Equal(2, ExpectMsg<int>()); // the same instance: nothing restarted
    }

    [Fact]
    public void A_resumed_parent_does_not_resume_a_child_whose_restart_is_pending()
    {
        // top resumes mid on failure; mid restarts leaf; leaf's restart waits for its own child to stop,
        // which is held until the test opens the gate. mid fails meanwhile and is resumed: leaf must not be
        // resumed with it, or its messages would reach no instance and become dead letters.
        using var gate = new ManualResetEventSlim();
        var top = Sys.ActorOf(Props.Create(() => new ParentActor(null))
            .WithSupervisorStrategy(new SupervisorStrategy(-1, TimeSpan.FromMinutes(1), _ => Directive.Resume)), "top");
        top.Tell((Props.Create(() => new FailsOnRequest(TestActor, gate)), "mid"), TestActor);
        var refs = ReceiveN<IActorRef>(2); // told by top and by mid's constructor, in either order
        var mid = refs.Single(r => r.Path.Name == "mid");
        var leaf = refs.Single(r => r.Path.Name == "leaf");
        leaf.Tell("boom");
        ExpectMsg("slow stop begins"); // leaf's restart now waits for its child
        mid.Tell("fail");
        mid.Tell("ping", TestActor);
        ExpectMsg("pong"); // mid was resumed (and would have cascaded by now)
        var before = Sys.DeadLetterCount;
        leaf.Tell("hello");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // it waits for the restart
        gate.Set();
        ExpectMsg("hello");
        Assert.Equal(before, Sys.DeadLetterCount);
    }

    [Fact]
    public void Resuming_a_child_whose_creation_failed_creates_it_again()
    {
        var attempts = new int[1];
        var strategy = new SupervisorStrategy(-1, TimeSpan.FromMinutes(1), _ => Directive.Resume);
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(strategy)));
        parent.Tell((Props.Create(() => new FailsFirstConstruction(attempts, TestActor)), "fragile"), TestActor);
        var child = ExpectMsg<IActorRef>();
        ExpectMsg("constructed");
        child.Tell("hello", TestActor);
        ExpectMsg("hello"); // no instance to resume: built again instead, so nothing became a dead letter
        Assert.Equal(2, Volatile.Read(ref attempts[0]));
    }

    [Fact]
    public async Task Escalations_that_arrive_while_the_parent_awaits_a_decision_are_decided_once()
    {
        // top is busy, so mid's escalation waits; a second child's failure escalates meanwhile. mid must not
        // report twice (it would be restarted twice): the second child just shares the pending decision.
        var log = new CapturingLog();
        await using var system = ActorSystem.Create("twice", options: new ActorSystemOptions { LoggerFactory = log });
        var probe = TestKit.TestProbeFactory.Create(system);
        using var gate = new ManualResetEventSlim();
        var top = system.ActorOf(Props.Create(() => new BusySupervisor(gate, probe)), "top");
        var kids = probe.ReceiveN<IActorRef>(2);
        top.Tell("block");
        probe.ExpectMsg("blocked");
        foreach (var kid in kids)
            kid.Tell("boom");
        probe.AwaitCondition(() => log.Lines.Count(l => l.Contains("escalates the failure")) == 2, message: "both escalations");
        gate.Set();
        probe.ExpectMsg("mid restarted");
        foreach (var kid in kids)
        {
            kid.Tell("hello", probe);
            probe.ExpectMsg("hello"); // restarted with mid, not left suspended
        }
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // and mid was not restarted a second time
    }

    private sealed class BusySupervisor : ReceiveActor
    {
        public BusySupervisor(ManualResetEventSlim gate, IActorRef probe)
        {
            Context.ActorOf(Props.Create(() => new EscalatingParent(probe)), "mid");
            Receive<string>(_ =>
            {
                probe.Tell("blocked");
                gate.Wait(TimeSpan.FromSeconds(10));
            });
        }
    }

    private sealed class EscalatingParent : ReceiveActor
    {
        private readonly IActorRef _probe;

        public EscalatingParent(IActorRef probe)
        {
            _probe = probe;
            ReceiveAny(_ => { });
        }

        protected internal override void PreStart()
        {
            _probe.Tell(Context.ActorOf(Props.Create(() => new BoomOrEcho()), "a"));
            _probe.Tell(Context.ActorOf(Props.Create(() => new BoomOrEcho()), "b"));
        }

        protected internal override void PreRestart(Exception reason, object? message) { }

        protected internal override void PostRestart(Exception reason) => _probe.Tell("mid restarted");

        protected internal override SupervisorStrategy SupervisorStrategy() =>
            new(-1, TimeSpan.FromMinutes(1), _ => Directive.Escalate);
    }

    private sealed class BoomOrEcho : ReceiveActor
    {
        public BoomOrEcho()
        {
            Receive<string>(_ => throw new InvalidOperationException("boom"), s => s == "boom");
            ReceiveAny(m => Sender.Tell(m));
        }
    }

    private sealed class CapturingLog : Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider) { }

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

        public void Dispose() { }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));
    }

    private sealed class KeepsChildren : ReceiveActor
    {
        private readonly IActorRef _probe;

        public KeepsChildren(IActorRef probe)
        {
            _probe = probe;
            ReceiveAny(_ => { });
        }

        protected internal override void PreStart() =>
            _probe.Tell(Context.ActorOf(Props.Create(() => new ReportsStart(_probe)), "child"));

        // Keep the children across a restart (the Akka idiom): no stopping them, no creating them again.
        protected internal override void PreRestart(Exception reason, object? message) { }

        protected internal override void PostRestart(Exception reason) => _probe.Tell("parent restarted");
    }

    private sealed class ReportsStart : ReceiveActor
    {
        private readonly IActorRef _probe;

        public ReportsStart(IActorRef probe)
        {
            _probe = probe;
            Receive<string>(_ => throw new InvalidOperationException("boom"), s => s == "boom");
            Receive<string>(s => probe.Tell(s));
        }

        protected internal override void PreStart() => _probe.Tell("child prestart");
    }

    private sealed class FailsOnRequest : ReceiveActor
    {
        public FailsOnRequest(IActorRef probe, ManualResetEventSlim gate)
        {
            probe.Tell(Context.ActorOf(Props.Create(() => new SlowToRestart(probe, gate)), "leaf"));
            Receive<string>(_ => throw new InvalidOperationException("mid failed"), s => s == "fail");
            Receive<string>(_ => Sender.Tell("pong"), s => s == "ping");
        }
    }

    private sealed class SlowToRestart : ReceiveActor
    {
        public SlowToRestart(IActorRef probe, ManualResetEventSlim gate)
        {
            Context.ActorOf(Props.Create(() => new SlowStop(probe, gate)), "slow");
            Receive<string>(_ => throw new InvalidOperationException("boom"), s => s == "boom");
            Receive<string>(s => probe.Tell(s));
        }
    }

    private sealed class SlowStop(IActorRef probe, ManualResetEventSlim gate) : ReceiveActor
    {
        protected internal override void PostStop()
        {
            probe.Tell("slow stop begins");
            gate.Wait(TimeSpan.FromSeconds(10));
        }
    }

    private sealed class FailsFirstConstruction : ReceiveActor
    {
        public FailsFirstConstruction(int[] attempts, IActorRef probe)
        {
            if (Interlocked.Increment(ref attempts[0]) == 1)
                throw new InvalidOperationException("first construction fails");
            probe.Tell("constructed");
            ReceiveAny(m => Sender.Tell(m));
        }
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
