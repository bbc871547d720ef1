using RaftRunner.Actors.TestKit;

namespace RaftRunner.Actors.Tests;

public sealed class MessagingTests : TestKit.TestKit
{
    [Fact]
    public void Tell_delivers_with_the_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()), "echo");
        echo.Tell("hello", TestActor);
        Assert.Equal("hello", ExpectMsg<string>());
        Assert.Equal(echo, LastSender);
    }

    [Fact]
    public void Messages_from_one_sender_arrive_in_the_order_sent()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        for (var i = 0; i < 10_000; i++)
            echo.Tell(i, TestActor);
        for (var i = 0; i < 10_000; i++)
            Assert.Equal(i, ExpectMsg<int>());
    }

    [Fact]
    public void Forward_keeps_the_original_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()), "target");
        var forwarder = Sys.ActorOf(Props.Create(() => new ForwardingActor(echo)), "forwarder");
        forwarder.Tell("via", TestActor);
        ExpectMsg("via");
        Assert.Equal(echo, LastSender);
    }

    [Fact]
    public void Without_a_sender_replies_go_nowhere_and_Sender_is_NoSender()
    {
        var probe = CreateTestProbe();
        var reporter = Sys.ActorOf(Props.Create(() => new SenderReporter(probe)));
        reporter.Tell("x");
        Assert.Same(ActorRefs.NoSender, probe.ExpectMsg<IActorRef>());
    }

    [Fact]
    public void Handlers_are_tried_in_declaration_order_with_predicates()
    {
        var actor = Sys.ActorOf(Props.Create(() => new OrderedHandlers()));
        actor.Tell(5, TestActor);
        actor.Tell(50, TestActor);
        actor.Tell("s", TestActor);
        ExpectMsg("small 5");
        ExpectMsg("int 50");
        ExpectMsg("any s");
    }

    [Fact]
    public void A_message_nobody_handles_is_published_as_UnhandledMessage()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe, typeof(UnhandledMessage));
        var actor = Sys.ActorOf(Props.Create(() => new IntOnly()));
        actor.Tell("not an int", TestActor);
        var unhandled = probe.ExpectMsg<UnhandledMessage>();
        Assert.Equal("not an int", unhandled.Message);
        Assert.Equal(actor, unhandled.Recipient);
        actor.Tell(1, TestActor); // the actor is unaffected
        ExpectMsg(1);
    }

    [Fact]
    public void Identify_is_answered_by_the_kernel()
    {
        var actor = Sys.ActorOf(Props.Create(() => new IntOnly()), "ident");
        actor.Tell(new Identify(42), TestActor);
        var identity = ExpectMsg<ActorIdentity>();
        Assert.Equal(42, identity.MessageId);
        Assert.Equal(actor, identity.Subject);
    }

    [Fact]
    public void Become_replaces_and_BecomeStacked_with_Unbecome_returns()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Switcher()));
        actor.Tell("which", TestActor);
        ExpectMsg("A");
        actor.Tell("to-b", TestActor);
        actor.Tell("which", TestActor);
        ExpectMsg("B");
        actor.Tell("push-c", TestActor);
        actor.Tell("which", TestActor);
        ExpectMsg("C");
        actor.Tell("pop", TestActor);
        actor.Tell("which", TestActor);
        ExpectMsg("B");
    }

    [Fact]
    public void UntypedActor_receives_everything_and_can_Become()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Untyped()));
        actor.Tell("first", TestActor);
        actor.Tell("second", TestActor);
        ExpectMsg("untyped:first");
        ExpectMsg("became:second");
    }

    [Fact]
    public void Children_are_listed_and_found_by_name()
    {
        var parent = Sys.ActorOf(Props.Create(() => new ParentActor(null)), "parent");
        parent.Tell((Props.Create(() => new EchoActor()), "b"), TestActor);
        parent.Tell((Props.Create(() => new EchoActor()), "a"), TestActor);
        var b = ExpectMsg<IActorRef>();
        ExpectMsg<IActorRef>();
        Assert.Equal("/user/parent/b", b.Path.Elements);
        parent.Tell("children", TestActor);
        Assert.Equal(new[] { "a", "b" }, ExpectMsg<string[]>());
    }

    private sealed class ForwardingActor : ReceiveActor
    {
        public ForwardingActor(IActorRef target) => ReceiveAny(m => target.Forward(m));
    }

    private sealed class SenderReporter : ReceiveActor
    {
        public SenderReporter(IActorRef probe) => ReceiveAny(_ => probe.Tell(Sender));
    }

    private sealed class OrderedHandlers : ReceiveActor
    {
        public OrderedHandlers()
        {
            Receive<int>(i => Sender.Tell($"small {i}"), i => i < 10);
            Receive<int>(i => Sender.Tell($"int {i}"));
            ReceiveAny(m => Sender.Tell($"any {m}"));
        }
    }

    private sealed class IntOnly : ReceiveActor
    {
        public IntOnly() => Receive<int>(i => Sender.Tell(i));
    }

    private sealed class Switcher : ReceiveActor
    {
        public Switcher()
        {
            Receive<string>(_ => Sender.Tell("A"), s => s == "which");
            Receive<string>(_ => Become(B), s => s == "to-b");
        }

        private void B()
        {
            Receive<string>(_ => Sender.Tell("B"), s => s == "which");
            Receive<string>(_ => BecomeStacked(() => Receive<string>(s =>
            {
                if (s == "pop") Unbecome();
                else Sender.Tell("C");
            })), s => s == "push-c");
        }
    }

    private sealed class Untyped : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            Sender.Tell($"untyped:{message}");
            Become(m => Sender.Tell($"became:{m}"));
        }
    }
}
