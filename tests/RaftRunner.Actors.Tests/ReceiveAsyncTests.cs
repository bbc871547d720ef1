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

    [Fact]
    public void A_task_started_in_PreStart_holds_the_mailbox_even_against_a_stop_in_the_same_batch()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new AsyncStart(TestActor, gate.Task, fail: false)));
        actor.Tell("hello");
        Sys.Stop(actor); // most likely processed in the same turn as the creation
        ExpectMsg("init started");
        ExpectNoMsg(TimeSpan.FromMilliseconds(150)); // neither the message nor PostStop while the task runs
        gate.SetResult();
        ExpectMsg("init done");
        ExpectMsg("poststop"); // the stop overtakes the queued user message, as system messages do
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void A_message_told_during_an_async_PreStart_waits_for_it()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new AsyncStart(TestActor, gate.Task, fail: false)));
        ExpectMsg("init started");
        actor.Tell("hello");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        gate.SetResult();
        ExpectMsg("init done");
        ExpectMsg("hello");
    }

    [Fact]
    public void A_task_from_PreStart_that_throws_is_a_failed_start_and_the_actor_is_stopped()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncStart(TestActor, Task.CompletedTask, fail: true)));
        Watch(actor);
        ExpectMsg("init started");
        ExpectMsg("poststop");
        ExpectTerminated(actor); // ActorInitializationException: the default decider stops it
    }

    [Fact]
    public void RunTask_where_nothing_could_wait_for_the_task_is_refused()
    {
        var actor = Sys.ActorOf(Props.Create(() => new RunsTaskInPostStop(TestActor)));
        ExpectMsg("started");
        Sys.Stop(actor);
        Assert.Contains("PostStop", ExpectMsg<string>());
        var constructing = Sys.ActorOf(Props.Create(() => new RunsTaskInConstructor()));
        Watch(constructing);
        ExpectTerminated(constructing); // the constructor threw: a failed creation, stopped
    }

    private sealed class AsyncStart : ReceiveActor
    {
        private readonly IActorRef _probe;
        private readonly Task _gate;
        private readonly bool _fail;

        public AsyncStart(IActorRef probe, Task gate, bool fail)
        {
            _probe = probe;
            _gate = gate;
            _fail = fail;
            ReceiveAny(m => probe.Tell(m));
        }

        protected internal override void PreStart() => RunTask(async () =>
        {
            _probe.Tell("init started");
            await _gate;
            await Task.Yield();
            if (_fail)
                throw new InvalidOperationException("init failed");
            _probe.Tell("init done");
        });

        protected internal override void PostStop() => _probe.Tell("poststop");
    }

    private sealed class RunsTaskInPostStop : ReceiveActor
    {
        private readonly IActorRef _probe;

        public RunsTaskInPostStop(IActorRef probe)
        {
            _probe = probe;
            probe.Tell("started");
        }

        protected internal override void PostStop()
        {
            try
            {
                RunTask(() => Task.Delay(10));
            }
            catch (InvalidOperationException e)
            {
                _probe.Tell(e.Message);
            }
        }
    }

    private sealed class RunsTaskInConstructor : ReceiveActor
    {
        public RunsTaskInConstructor() => RunTask(() => Task.Delay(10));
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
