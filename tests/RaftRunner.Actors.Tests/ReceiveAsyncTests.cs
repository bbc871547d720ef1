namespace RaftRunner.Actors.Tests;

public sealed class ReceiveAsyncTests : TestKit.TestKit
{
    [Fact]
    public void The_next_message_waits_until_the_async_handler_completes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new AsyncActor(TestActor, gate.Task)));
        ExpectMsg("prestart");
        actor.Tell("slow");
        actor.Tell("fast");
        ExpectMsg("slow started");
        ExpectNoMsg(TimeSpan.FromMilliseconds(150));
        gate.SetResult();
        ExpectMsg("slow done");
        ExpectMsg("fast");
    }

    [Fact]
    public void Sender_and_Forward_work_after_await()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncActor(TestActor, Task.CompletedTask)));
        ExpectMsg("prestart");
        actor.Tell("reply-after-await", TestActor);
        ExpectMsg("replied");
        Assert.Equal(actor, LastSender);
        actor.Tell("forward-after-await", TestActor);
        ExpectMsg("forwarded");
        Assert.Equal(TestActor, LastSender); // forwarded with our own sender kept
    }

    [Fact]
    public void An_exception_after_await_fails_the_actor_and_it_restarts()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncActor(TestActor, Task.CompletedTask)));
        ExpectMsg("prestart");
        actor.Tell("throw-after-await");
        ExpectMsg("prestart");
        actor.Tell("fast");
        ExpectMsg("fast");
    }

    [Fact]
    public void A_stop_waits_for_the_running_handler()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new AsyncActor(TestActor, gate.Task)));
        ExpectMsg("prestart");
        Watch(actor);
        actor.Tell("slow");
        ExpectMsg("slow started");
        Sys.Stop(actor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        gate.SetResult();
        ExpectMsg("slow done");
        ExpectTerminated(actor);
    }

    private sealed class AsyncActor : ReceiveActor
    {
        private readonly IActorRef _probe;

        public AsyncActor(IActorRef probe, Task gate)
        {
            _probe = probe;
            ReceiveAsync<string>(async _ =>
            {
                probe.Tell("slow started");
                await gate;
                probe.Tell("slow done");
            }, s => s == "slow");
            ReceiveAsync<string>(async _ =>
            {
                await Task.Delay(10);
                Sender.Tell("replied");
            }, s => s == "reply-after-await");
            ReceiveAsync<string>(async _ =>
            {
                await Task.Delay(10);
                probe.Forward("forwarded");
            }, s => s == "forward-after-await");
            ReceiveAsync<string>(async _ =>
            {
                await Task.Delay(10);
                throw new InvalidOperationException("async failure");
            }, s => s == "throw-after-await");
            Receive<string>(s => probe.Tell(s));
        }

        protected internal override void PreStart() => _probe.Tell("prestart");
    }
}
