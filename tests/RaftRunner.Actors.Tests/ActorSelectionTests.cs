namespace RaftRunner.Actors.Tests;

public sealed class ActorSelectionTests : TestKit.TestKit
{
    [Fact]
    public async Task Absolute_and_full_paths_resolve_to_the_live_actor()
    {
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(null)), "sel");
        parent.Tell((Props.Create(() => new EchoActor()), "kid"), TestActor);
        var kid = ExpectMsg<IActorRef>();
        Assert.Equal(kid, await Sys.ActorSelection("/user/sel/kid").ResolveOne());
        Assert.Equal(kid, await Sys.ActorSelection($"raft://{Sys.Name}/user/sel/kid").ResolveOne());
        Assert.Equal(kid, await Sys.ActorSelection("sel/kid").ResolveOne());
        Assert.Equal(parent, await Sys.ActorSelection("/user/sel/kid/..").ResolveOne());
    }

    [Fact]
    public void Tell_through_a_selection_reaches_the_actor()
    {
        Sys.ActorOf(Props.Create(() => new EchoActor()), "target");
        Sys.ActorSelection("/user/target").Tell("hi", TestActor);
        ExpectMsg("hi");
    }

    [Fact]
    public async Task A_missing_path_fails_with_ActorNotFoundException_and_Tell_becomes_a_dead_letter()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe, typeof(DeadLetter));
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection("/user/nobody/here").ResolveOne());
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection("raft://other-system/user/x").ResolveOne());
        Sys.ActorSelection("/user/nobody").Tell("lost");
        Assert.Equal("lost", probe.ExpectMsg<DeadLetter>().Message);
    }

    [Fact]
    public async Task A_stopped_actor_is_no_longer_found()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()), "gone");
        Watch(target);
        Sys.Stop(target);
        ExpectTerminated(target);
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection("/user/gone").ResolveOne());
    }

    [Fact]
    public void A_selection_made_in_an_actor_resolves_relative_to_it()
    {
        var parent = Sys.ActorOf(Props.Create(() => new SiblingTeller()), "rel");
        parent.Tell("go", TestActor);
        ExpectMsg("go");
    }

    private sealed class SiblingTeller : ReceiveActor
    {
        public SiblingTeller()
        {
            Context.ActorOf(Props.Create(() => new EchoActor()), "a");
            Context.ActorOf(Props.Create(() => new Relay()), "b");
            Receive<string>(s => Context.ActorSelection("b").Tell(s, Sender));
        }
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay() => ReceiveAny(m => Context.ActorSelection("../a").Tell(m, Sender));
    }
}
