namespace RaftRunner.Hocon.Tests;

public class FallbackTests
{
    [Fact]
    public void Receiver_wins_and_objects_merge_deeply()
    {
        var application = Hocon.Parse("raft { rpc-timeout = 20ms, node { id = app } }");
        var reference = Hocon.Parse("raft { rpc-timeout = 50ms, election-timeout-min = 200ms, node { id = ref, port = 8041 } }\nother = 1");
        var merged = application.WithFallback(reference);
        Assert.Equal(TimeSpan.FromMilliseconds(20), merged.GetTimeSpan("raft.rpc-timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), merged.GetTimeSpan("raft.election-timeout-min"));
        Assert.Equal("app", merged.GetString("raft.node.id"));
        Assert.Equal(8041, merged.GetInt("raft.node.port"));
        Assert.Equal(1, merged.GetInt("other"));
    }

    [Fact]
    public void Non_object_in_the_receiver_hides_an_object_in_the_fallback()
    {
        var merged = Hocon.Parse("a = 5").WithFallback(Hocon.Parse("a { x = 1 }"));
        Assert.Equal(5, merged.GetInt("a"));
        Assert.False(merged.HasPath("a.x"), "expected the receiver's number to replace the fallback's object");
    }

    [Fact]
    public void Null_in_the_receiver_unsets_a_fallback_value()
    {
        var merged = Hocon.Parse("secret = null").WithFallback(Hocon.Parse("secret = s3cret"));
        Assert.False(merged.HasPath("secret"), "expected null to hide the fallback's value");
    }

    [Fact]
    public void Lists_are_replaced_not_merged()
    {
        var merged = Hocon.Parse("peers = [a]").WithFallback(Hocon.Parse("peers = [x, y]"));
        Assert.Equal(["a"], merged.GetStringList("peers"));
    }

    [Fact]
    public void Fallback_leaves_both_inputs_unchanged()
    {
        var application = Hocon.Parse("a { x = 1 }");
        var reference = Hocon.Parse("a { y = 2 }");
        _ = application.WithFallback(reference);
        Assert.False(application.HasPath("a.y"), "expected WithFallback not to modify the receiver");
        Assert.False(reference.HasPath("a.x"), "expected WithFallback not to modify the fallback");
    }

    [Fact]
    public void Chained_fallbacks_apply_in_order()
    {
        var merged = Hocon.Parse("a = 1")
            .WithFallback(Hocon.Parse("a = 2\nb = 2"))
            .WithFallback(Hocon.Parse("a = 3\nb = 3\nc = 3"));
        Assert.Equal([1, 2, 3], new[] { merged.GetInt("a"), merged.GetInt("b"), merged.GetInt("c") });
    }

    [Fact]
    public void Empty_configs_are_neutral()
    {
        var config = Hocon.Parse("a = 1");
        Assert.Equal(1, config.WithFallback(HoconConfig.Empty).GetInt("a"));
        Assert.Equal(1, HoconConfig.Empty.WithFallback(config).GetInt("a"));
        Assert.True(HoconConfig.Empty.IsEmpty, "expected HoconConfig.Empty to be empty");
    }

    [Fact]
    public void Unresolved_receiver_overrides_and_refers_to_fallback_values()
    {
        var options = new HoconParseOptions { ResolveSubstitutions = false, EnvironmentLookup = _ => null };
        var application = HoconConfig.Parse("node.port = 9000\nnode.pub-port = ${node.port}\nlist += extra", null, options);
        var reference = HoconConfig.Parse("node.port = 8041\nlist = [base]", null, options);
        var merged = application.WithFallback(reference).Resolve();
        Assert.Equal(9000, merged.GetInt("node.pub-port"));
        Assert.Equal(["base", "extra"], merged.GetStringList("list"));
    }

    [Fact]
    public void Optional_environment_override_keeps_the_fallback_value_when_unset()
    {
        var options = new HoconParseOptions { ResolveSubstitutions = false, EnvironmentLookup = _ => null };
        var application = HoconConfig.Parse("node.port = ${?RAFT_PORT}", null, options);
        var reference = Hocon.Parse("node.port = 8041");
        Assert.Equal(8041, application.WithFallback(reference).Resolve().GetInt("node.port"));
        Assert.Equal(7, application.WithFallback(reference).Resolve(_ => "7").GetInt("node.port"));
    }
}
