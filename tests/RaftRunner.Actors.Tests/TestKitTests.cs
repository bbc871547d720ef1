using Xunit.Sdk;

namespace RaftRunner.Actors.Tests;

/// <summary>The TestKit's own behaviour: its failures must say what was expected and what came instead.</summary>
public sealed class TestKitTests : TestKit.TestKit
{
    [Fact]
    public void ExpectMsg_of_the_wrong_type_names_both_and_lists_what_is_still_queued()
    {
        TestActor.Tell("unexpected");
        TestActor.Tell(42);
        AwaitCondition(() => Pending.Count == 2, message: "both messages to be queued");
        var e = Assert.Throws<XunitException>(() => ExpectMsg<int>(TimeSpan.FromSeconds(1)));
        Assert.Contains("ExpectMsg<Int32>", e.Message);
        Assert.Contains("String unexpected", e.Message);
        Assert.Contains("Int32 42", e.Message);
    }

    [Fact]
    public void ExpectMsg_timeout_says_how_long_it_waited()
    {
        var e = Assert.Throws<XunitException>(() => ExpectMsg<string>(TimeSpan.FromMilliseconds(30)));
        Assert.Contains("no message within 30 ms", e.Message);
    }

    [Fact]
    public void ExpectNoMsg_fails_when_something_arrives()
    {
        TestActor.Tell("surprise");
        var e = Assert.Throws<XunitException>(() => ExpectNoMsg(TimeSpan.FromMilliseconds(100)));
        Assert.Contains("surprise", e.Message);
    }

    [Fact]
    public void FishForMessage_skips_until_the_one_and_lists_skipped_on_failure()
    {
        TestActor.Tell(1);
        TestActor.Tell("a");
        TestActor.Tell(2);
        Assert.Equal(2, FishForMessage<int>(i => i == 2));
        TestActor.Tell("b");
        var e = Assert.Throws<XunitException>(() => FishForMessage<int>(_ => true, TimeSpan.FromMilliseconds(50)));
        Assert.Contains("String b", e.Message);
    }

    [Fact]
    public void ReceiveWhile_stops_at_the_first_rejected_message_and_leaves_it_queued()
    {
        foreach (var m in new object[] { 1, 2, 3, "stop", 4 })
            TestActor.Tell(m);
        var taken = ReceiveWhile<string>(m => m is int i ? i.ToString() : null, TimeSpan.FromSeconds(1));
        Assert.Equal(new[] { "1", "2", "3" }, taken);
        ExpectMsg("stop");
        ExpectMsg(4);
    }

    [Fact]
    public void Within_caps_inner_waits_and_fails_when_the_block_overruns()
    {
        var started = DateTime.UtcNow;
        var e = Assert.Throws<XunitException>(() => Within(TimeSpan.FromMilliseconds(100), () => ExpectMsg<string>(TimeSpan.FromSeconds(10))));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the inner ExpectMsg should have been capped by Within");
        Assert.Contains("ExpectMsg", e.Message);
        Assert.Throws<XunitException>(() => Within(TimeSpan.FromMilliseconds(10), () => Thread.Sleep(50)));
    }

    [Fact]
    public void AwaitAssert_retries_until_the_assertion_holds()
    {
        var attempts = 0;
        AwaitAssert(() => Assert.True(++attempts >= 3), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, attempts);
        Assert.ThrowsAny<Exception>(() => AwaitAssert(() => Assert.Fail("never"), TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void AwaitCondition_fails_with_the_given_description()
    {
        var e = Assert.Throws<XunitException>(() => AwaitCondition(() => false, TimeSpan.FromMilliseconds(30), message: "the moon to turn blue"));
        Assert.Contains("the moon to turn blue", e.Message);
    }

    [Fact]
    public void A_probe_is_an_actor_reference_that_replies_and_compares_equal_to_its_ref()
    {
        var probe = CreateTestProbe("p");
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        probe.Send(echo, "ping");
        probe.ExpectMsg("ping");
        Assert.Equal(echo, probe.LastSender);
        Assert.True(probe.Equals(probe.Ref));
        Assert.True(probe.Ref.Equals(probe));
        Assert.Equal("/user/p", probe.Path.Elements);
    }

    [Fact]
    public void An_actor_starts_promptly_while_the_test_thread_waits_in_ExpectNoMsg()
    {
        // Other tests blocking pool threads, as xunit's parallel test threads do on a small machine.
        using var release = new ManualResetEventSlim();
        for (var i = 0; i < Environment.ProcessorCount; i++)
            _ = Task.Run(() => release.Wait(TimeSpan.FromSeconds(10)));
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long startedAfter = -1;
            Sys.ActorOf(Props.Create(() => new Starter(() => Interlocked.Exchange(ref startedAfter, clock.ElapsedMilliseconds))));
            ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // this thread blocks too
            var after = Interlocked.Read(ref startedAfter);
            Assert.True(after is >= 0 and < 200, $"the actor's PreStart ran after {after} ms (-1: not at all) while the test waited");
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public void The_TestKit_keeps_enough_pool_threads_for_the_actors_while_tests_block()
    {
        // The mechanism behind the test above, checked directly: that one only fails while the pool is small.
        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.True(workers >= 2 * Environment.ProcessorCount && workers >= 16, $"minimum worker threads is {workers}");
    }

    private sealed class Starter(Action started) : ActorBase
    {
        protected internal override bool Receive(object message) => true;

        protected internal override void PreStart() => started();
    }

    [Fact]
    public void Advance_without_virtual_time_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Advance(TimeSpan.FromSeconds(1)));
        Assert.Contains("virtualTime", e.Message);
    }
}
