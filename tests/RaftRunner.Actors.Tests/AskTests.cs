namespace RaftRunner.Actors.Tests;

public sealed class AskTests : TestKit.TestKit
{
    [Fact]
    public async Task Ask_returns_the_typed_reply()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Assert.Equal(7, await echo.Ask<int>(7, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Ask_without_a_reply_times_out_with_AskTimeoutException()
    {
        var silent = Sys.ActorOf(Props.Create(() => new Silent()));
        var e = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<int>("hello", TimeSpan.FromMilliseconds(50)));
        Assert.Contains("String", e.Message);
        Assert.Contains("50 ms", e.Message);
    }

    [Fact]
    public async Task Ask_with_a_reply_of_another_type_throws_a_type_mismatch()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var e = await Assert.ThrowsAsync<AskTypeMismatchException>(() => echo.Ask<int>("text", TimeSpan.FromSeconds(3)));
        Assert.Equal(typeof(int), e.Expected);
        Assert.Equal("text", e.Reply);
    }

    [Fact]
    public async Task A_Status_Failure_reply_throws_its_cause()
    {
        var failing = Sys.ActorOf(Props.Create(() => new FailureReplier()));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Ask<int>("x", TimeSpan.FromSeconds(3)));
        Assert.Equal("no such key", e.Message);
    }

    [Fact]
    public async Task An_untyped_Ask_throws_the_cause_of_a_Status_Failure_too()
    {
        var failing = Sys.ActorOf(Props.Create(() => new FailureReplier()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Ask("x", TimeSpan.FromSeconds(3)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Ask<object>("x", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task An_Ask_for_the_status_itself_returns_the_Status_Failure()
    {
        var failing = Sys.ActorOf(Props.Create(() => new FailureReplier()));
        Assert.Equal("no such key", (await failing.Ask<Status.Failure>("x", TimeSpan.FromSeconds(3))).Cause.Message);
        Assert.IsType<Status.Failure>(await failing.Ask<Status>("x", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Ask_to_a_stopped_actor_fails_at_once_with_RecipientTerminatedException()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(echo);
        Sys.Stop(echo);
        ExpectTerminated(echo);
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<RecipientTerminatedException>(() => echo.Ask<int>(1, TimeSpan.FromSeconds(30)));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "a dead recipient must not make the caller wait for the timeout");
    }

    [Fact]
    public async Task Ask_honours_cancellation()
    {
        var silent = Sys.ActorOf(Props.Create(() => new Silent()));
        using var cts = new CancellationTokenSource();
        var ask = silent.Ask<int>("x", TimeSpan.FromSeconds(30), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }

    [Fact]
    public async Task Ask_without_a_timeout_uses_the_configured_default()
    {
        await using var system = ActorSystem.Create("asktimeout", Hocon.HoconConfig.Parse("raft-runner.actors.ask-timeout = 80ms"));
        var silent = system.ActorOf(Props.Create(() => new Silent()));
        var e = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<int>("x"));
        Assert.Contains("80 ms", e.Message);
    }

    [Fact]
    public async Task Ask_rejects_a_non_positive_timeout()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => echo.Ask<int>(1, TimeSpan.Zero));
    }

    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }

    private sealed class FailureReplier : ReceiveActor
    {
        public FailureReplier() => ReceiveAny(_ => Sender.Tell(new Status.Failure(new InvalidOperationException("no such key"))));
    }
}
