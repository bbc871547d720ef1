using RaftRunner.Hocon;

namespace RaftRunner.Actors.Tests;

public sealed class ActorSystemTests
{
    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a/b")]
    public void Create_rejects_an_invalid_system_name(string name) =>
        Assert.Throws<ArgumentException>(() => ActorSystem.Create(name));

    [Fact]
    public async Task Settings_come_from_the_raft_runner_actors_section()
    {
        var config = HoconConfig.Parse("raft-runner.actors { mailbox-throughput = 7, ask-timeout = 250ms, log-dead-letters = 3, supervision { max-retries = 2, within = 5s } }");
        await using var system = ActorSystem.Create("cfg", config);
        Assert.Equal(7, system.Settings.MailboxThroughput);
        Assert.Equal(TimeSpan.FromMilliseconds(250), system.Settings.AskTimeout);
        Assert.Equal(3, system.Settings.LogDeadLetters);
        Assert.Equal(2, system.Settings.DefaultSupervisorStrategy.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(5), system.Settings.DefaultSupervisorStrategy.Within);
    }

    [Fact]
    public async Task Without_configuration_the_settings_are_reference_conf_defaults()
    {
        await using var system = ActorSystem.Create("defaults");
        var reference = HoconConfig.Reference.GetConfig(ActorSystemSettings.Section);
        Assert.Equal(reference.GetInt("mailbox-throughput"), system.Settings.MailboxThroughput);
        Assert.Equal(reference.GetTimeSpan("ask-timeout"), system.Settings.AskTimeout);
        Assert.Equal(reference.GetInt("log-dead-letters"), system.Settings.LogDeadLetters);
        Assert.Equal(reference.GetInt("supervision.max-retries"), system.Settings.DefaultSupervisorStrategy.MaxRetries);
        // The code's own defaults agree with the documented ones.
        Assert.Equal(new ActorSystemSettings().MailboxThroughput, system.Settings.MailboxThroughput);
        Assert.Equal(new ActorSystemSettings().AskTimeout, system.Settings.AskTimeout);
        Assert.True(system.Config.HasPath("raft-runner.raft.election-timeout-min"), "the system's config should fall back to all of reference.conf");
    }

    [Fact]
    public void A_bad_setting_is_a_configuration_error_naming_the_key()
    {
        var e = Assert.Throws<ConfigurationException>(() => ActorSystem.Create("bad", HoconConfig.Parse("raft-runner.actors.mailbox-throughput = 0")));
        Assert.Contains("mailbox-throughput", e.Message);
    }

    [Fact]
    public async Task Terminate_stops_every_actor_children_before_parents()
    {
        var system = ActorSystem.Create("term");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var parent = system.ActorOf(Props.Create(() => new RecordingActor("parent", log, childName: "child")), "parent");
        await parent.Ask<string>("ping");
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(system.WhenTerminated.IsCompletedSuccessfully);
        Assert.Equal(new[] { "child stopped", "parent stopped" }, log.ToArray());
    }

    [Fact]
    public async Task ActorOf_after_terminate_throws_instead_of_creating_an_orphan()
    {
        var system = ActorSystem.Create("after");
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Throws<ActorException>(() => system.ActorOf(Props.Create(() => new EchoActor())));
    }

    [Fact]
    public async Task Duplicate_top_level_names_are_rejected_at_once()
    {
        await using var system = ActorSystem.Create("dup");
        system.ActorOf(Props.Create(() => new EchoActor()), "a");
        var e = Assert.Throws<InvalidActorNameException>(() => system.ActorOf(Props.Create(() => new EchoActor()), "a"));
        Assert.Contains("'a'", e.Message);
    }

    [Theory]
    [InlineData("$x")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("with space")]
    public async Task Invalid_actor_names_are_rejected(string name)
    {
        await using var system = ActorSystem.Create("names");
        Assert.Throws<InvalidActorNameException>(() => system.ActorOf(Props.Create(() => new EchoActor()), name));
    }

    [Fact]
    public async Task An_actor_cannot_be_created_with_new()
    {
        await using var system = ActorSystem.Create("new");
        var e = Assert.Throws<ActorException>(() => new EchoActor());
        Assert.Contains("ActorOf", e.Message);
    }

    private sealed class RecordingActor : ReceiveActor
    {
        private readonly string _name;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log;

        public RecordingActor(string name, System.Collections.Concurrent.ConcurrentQueue<string> log, string? childName = null)
        {
            _name = name;
            _log = log;
            if (childName is not null)
                Context.ActorOf(Props.Create(() => new RecordingActor(childName, log, null)), childName);
            Receive<string>(_ => Sender.Tell("pong"));
        }

        protected internal override void PostStop() => _log.Enqueue($"{_name} stopped");
    }
}
