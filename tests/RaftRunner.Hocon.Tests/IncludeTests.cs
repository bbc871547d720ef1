namespace RaftRunner.Hocon.Tests;

public sealed class IncludeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Include_reads_a_file_relative_to_the_including_file()
    {
        _dir.Write("conf/common.conf", "raft.rpc-timeout = 50ms\nshared = common");
        var main = _dir.Write("conf/node1.conf", "include \"common.conf\"\nnode.id = node1");
        var config = HoconConfig.ParseFile(main, Hocon.Options());
        Assert.Equal(TimeSpan.FromMilliseconds(50), config.GetTimeSpan("raft.rpc-timeout"));
        Assert.Equal("node1", config.GetString("node.id"));
    }

    [Fact]
    public void Include_file_and_required_forms_are_supported()
    {
        _dir.Write("a.conf", "a = 1");
        _dir.Write("b.conf", "b = 2");
        _dir.Write("c.conf", "c = 3");
        var main = _dir.Write("main.conf", "include file(\"a.conf\")\ninclude required(\"b.conf\")\ninclude required( file( \"c.conf\" ) )");
        var config = HoconConfig.ParseFile(main, Hocon.Options());
        Assert.Equal([1, 2, 3], new[] { config.GetInt("a"), config.GetInt("b"), config.GetInt("c") });
    }

    [Fact]
    public void Fields_after_an_include_override_it_and_fields_before_are_overridden()
    {
        _dir.Write("defaults.conf", "port = 1\nhost = h");
        var main = _dir.Write("main.conf", "host = before\ninclude \"defaults.conf\"\nport = 2");
        var config = HoconConfig.ParseFile(main, Hocon.Options());
        Assert.Equal(2, config.GetInt("port"));
        Assert.Equal("h", config.GetString("host"));
    }

    [Fact]
    public void Missing_plain_include_is_silently_ignored()
    {
        var main = _dir.Write("main.conf", "include \"nowhere.conf\"\na = 1");
        var config = HoconConfig.ParseFile(main, Hocon.Options());
        Assert.Equal(["a"], config.Keys);
    }

    [Fact]
    public void Missing_required_include_is_an_error_at_the_directive()
    {
        var main = _dir.Write("main.conf", "a = 1\n  include required(\"nowhere.conf\")");
        var error = Hocon.FailsQuickly(() => HoconConfig.ParseFile(main, Hocon.Options()));
        Hocon.AssertAt(error, 2, 3, "required include 'nowhere.conf' was not found");
        Assert.Equal(main, error.FileName);
    }

    [Fact]
    public void Include_without_extension_finds_the_conf_file()
    {
        _dir.Write("base.conf", "x = 1");
        var main = _dir.Write("main.conf", "include \"base\"");
        Assert.Equal(1, HoconConfig.ParseFile(main, Hocon.Options()).GetInt("x"));
    }

    [Fact]
    public void Include_inside_an_object_nests_the_included_keys()
    {
        _dir.Write("peer.conf", "id = p1\nurl = \"tcp://\"${host}\":8041\"\nhost = \"10.0.0.1\"");
        var main = _dir.Write("main.conf", "peer { include \"peer.conf\" }");
        var config = HoconConfig.ParseFile(main, Hocon.Options());
        Assert.Equal("p1", config.GetString("peer.id"));
        Assert.Equal("tcp://10.0.0.1:8041", config.GetString("peer.url"));
        Assert.False(config.HasPath("id"), "expected the included keys under peer only");
    }

    [Fact]
    public void Substitutions_in_an_included_file_are_relative_to_the_include_site_then_the_root()
    {
        _dir.Write("inc.conf", "x = 10\ny = ${x}\nz = ${top}");
        var main = _dir.Write("main.conf", "top = from-root\na { include \"inc.conf\" }\na.x = 42");
        var config = HoconConfig.ParseFile(main, Hocon.Options());
        Assert.Equal(42, config.GetInt("a.y"));
        Assert.Equal("from-root", config.GetString("a.z"));
    }

    [Fact]
    public void Nested_includes_resolve_relative_to_each_including_file()
    {
        _dir.Write("sub/inner/leaf.conf", "leaf = yes");
        _dir.Write("sub/middle.conf", "include \"inner/leaf.conf\"\nmiddle = yes");
        var main = _dir.Write("main.conf", "include \"sub/middle.conf\"");
        var config = HoconConfig.ParseFile(main, Hocon.Options());
        Assert.True(config.GetBoolean("leaf"), "expected leaf.conf to be found relative to sub/middle.conf");
        Assert.True(config.GetBoolean("middle"), "expected middle.conf to be read");
    }

    [Fact]
    public void Include_cycle_is_an_error()
    {
        _dir.Write("a.conf", "include \"b.conf\"");
        _dir.Write("b.conf", "x = 1\ninclude \"a.conf\"");
        var main = Path.Combine(_dir.Path, "a.conf");
        var error = Hocon.FailsQuickly(() => HoconConfig.ParseFile(main, Hocon.Options()));
        Hocon.AssertAt(error, 2, 1, "include cycle");
        Assert.EndsWith("b.conf", error.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_errors_in_an_included_file_name_that_file()
    {
        var included = _dir.Write("bad.conf", "a = 1\nb = \"unclosed");
        var main = _dir.Write("main.conf", "include \"bad.conf\"");
        var error = Hocon.FailsQuickly(() => HoconConfig.ParseFile(main, Hocon.Options()));
        Hocon.AssertAt(error, 2, 5, "unclosed string");
        Assert.Equal(included, error.FileName);
        Assert.StartsWith(included + ":2:5: unclosed string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_include_resolver_supplies_text()
    {
        var files = new Dictionary<string, string> { ["virtual.conf"] = "v = 1" };
        var options = new HoconParseOptions
        {
            EnvironmentLookup = _ => null,
            IncludeResolver = (name, _) => files.TryGetValue(name, out var text) ? new HoconIncludeSource(name, text) : null,
        };
        var config = HoconConfig.Parse("include \"virtual.conf\"\ninclude \"absent.conf\"", "main.conf", options);
        Assert.Equal(1, config.GetInt("v"));
    }

    [Fact]
    public void Url_and_classpath_includes_are_reported_as_unsupported()
    {
        Hocon.ParseFails("include url(\"http://example.com/a.conf\")", 1, 1, "not supported");
        Hocon.ParseFails("include classpath(\"a.conf\")", 1, 1, "not supported");
    }

    [Fact]
    public void Malformed_include_is_an_error()
    {
        Hocon.ParseFails("include required(\"a.conf\"", 1, 18, "expected ')'");
        Hocon.ParseFails("include bogus(\"a.conf\")", 1, 1, "unknown include form 'bogus('");
        Hocon.ParseFails("include \"a.conf\" \"b.conf\"", 1, 18, "exactly one quoted file name");
    }

    [Fact]
    public void Parse_file_that_does_not_exist_names_the_file()
    {
        var missing = Path.Combine(_dir.Path, "missing.conf");
        var error = Hocon.FailsQuickly(() => HoconConfig.ParseFile(missing));
        Assert.Equal(missing, error.FileName);
        Assert.Equal($"{missing}: configuration file not found", error.Message);
    }

    [Fact]
    public void Default_resolver_returns_null_for_a_missing_file()
    {
        Assert.Null(HoconConfig.ResolveFileInclude("missing.conf", Path.Combine(_dir.Path, "main.conf")));
    }
}
