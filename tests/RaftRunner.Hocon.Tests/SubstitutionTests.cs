namespace RaftRunner.Hocon.Tests;

public class SubstitutionTests
{
    [Fact]
    public void Substitution_copies_the_value_at_a_path_keeping_its_type()
    {
        var config = Hocon.Parse("a.b = 8041\nc = ${a.b}\nd = ${a}");
        Assert.Equal(8041, config.GetInt("c"));
        Assert.Equal(8041, config.GetInt("d.b"));
    }

    [Fact]
    public void Substitution_sees_the_final_merged_value_even_when_defined_later()
    {
        var config = Hocon.Parse("port = ${base.port}\nbase.port = 1\nbase.port = 2");
        Assert.Equal(2, config.GetInt("port"));
    }

    [Fact]
    public void Object_may_refer_to_paths_within_itself()
    {
        var config = Hocon.Parse("bar { foo = 42, baz = ${bar.foo} }\nbar { foo = 43 }");
        Assert.Equal(43, config.GetInt("bar.baz"));
    }

    [Fact]
    public void Strings_concatenate_with_substitutions()
    {
        var config = Hocon.Parse("host = \"127.0.0.1\"\nport = 8041\nurl = \"tcp://\"${host}\":\"${port}");
        Assert.Equal("tcp://127.0.0.1:8041", config.GetString("url"));
    }

    [Fact]
    public void Whitespace_around_substitutions_is_kept_in_string_concatenation()
    {
        var config = Hocon.Parse("name = world\ngreeting = hello ${name} again");
        Assert.Equal("hello world again", config.GetString("greeting"));
    }

    [Fact]
    public void Substitution_falls_back_to_an_environment_variable()
    {
        var config = Hocon.Parse("home = ${HOME}\nport = ${?RAFT_PORT}", new Dictionary<string, string> { ["HOME"] = "/home/raft", ["RAFT_PORT"] = "9000" });
        Assert.Equal("/home/raft", config.GetString("home"));
        Assert.Equal(9000, config.GetInt("port"));
    }

    [Fact]
    public void A_setting_takes_precedence_over_an_environment_variable_of_the_same_name()
    {
        var config = Hocon.Parse("HOME = config-home\nh = ${HOME}", new Dictionary<string, string> { ["HOME"] = "/env/home" });
        Assert.Equal("config-home", config.GetString("h"));
    }

    [Fact]
    public void Undefined_optional_substitution_leaves_the_field_absent()
    {
        var config = Hocon.Parse("port = ${?RAFT_PORT}");
        Assert.False(config.HasPath("port"), "expected port to be absent when RAFT_PORT is undefined");
        Assert.DoesNotContain("port", config.Keys);
    }

    [Fact]
    public void Undefined_optional_substitution_keeps_the_earlier_value()
    {
        var unset = Hocon.Parse("port = 8041\nport = ${?PORT}");
        var set = Hocon.Parse("port = 8041\nport = ${?PORT}", new Dictionary<string, string> { ["PORT"] = "9001" });
        Assert.Equal(8041, unset.GetInt("port"));
        Assert.Equal(9001, set.GetInt("port"));
    }

    [Fact]
    public void Undefined_optional_substitution_in_an_object_keeps_the_earlier_object()
    {
        var config = Hocon.Parse("a { x = 1 }\na = ${?NOT_SET}");
        Assert.Equal(1, config.GetInt("a.x"));
    }

    [Fact]
    public void Undefined_optional_substitution_is_empty_inside_a_concatenation()
    {
        var config = Hocon.Parse("a = \"x\"${?NOPE}\"y\"\nlist = [1] ${?NOPE} [2]");
        Assert.Equal("xy", config.GetString("a"));
        Assert.Equal([1, 2], config.GetIntList("list"));
    }

    [Fact]
    public void Undefined_optional_substitution_is_dropped_from_a_list()
    {
        var config = Hocon.Parse("list = [1, ${?NOPE}, 3]");
        Assert.Equal([1, 3], config.GetIntList("list"));
    }

    [Fact]
    public void Self_referential_substitution_uses_the_previous_value()
    {
        var config = Hocon.Parse("path = \"/bin\"\npath = ${path}\":/extra\"\npath = ${path}\":/more\"");
        Assert.Equal("/bin:/extra:/more", config.GetString("path"));
    }

    [Fact]
    public void Self_reference_without_a_previous_value_falls_back_to_the_environment()
    {
        var config = Hocon.Parse("PATH = ${PATH}\":/opt/raft\"", new Dictionary<string, string> { ["PATH"] = "/usr/bin" });
        Assert.Equal("/usr/bin:/opt/raft", config.GetString("PATH"));
    }

    [Fact]
    public void Self_reference_may_extend_an_object()
    {
        var config = Hocon.Parse("a { x = 1 }\na = ${a} { y = 2 }");
        Assert.Equal(1, config.GetInt("a.x"));
        Assert.Equal(2, config.GetInt("a.y"));
    }

    [Fact]
    public void Self_reference_to_a_child_looks_backwards_as_in_the_spec_example()
    {
        // From the HOCON spec: ${foo.a} sees { c : 1 }, and the later { a : 2 } merges on top.
        var config = Hocon.Parse("foo : { a : { c : 1 } }\nfoo : ${foo.a}\nfoo : { a : 2 }");
        Assert.Equal(1, config.GetInt("foo.c"));
        Assert.Equal(2, config.GetInt("foo.a"));
    }

    [Fact]
    public void Self_reference_inside_a_nested_field()
    {
        var config = Hocon.Parse("a { list = [1] }\na { list = ${a.list} [2] }");
        Assert.Equal([1, 2], config.GetIntList("a.list"));
    }

    [Fact]
    public void Plus_equals_appends_to_a_list()
    {
        var config = Hocon.Parse("list = [1]\nlist += 2\nlist += 3\nfresh += x");
        Assert.Equal([1, 2, 3], config.GetIntList("list"));
        Assert.Equal(["x"], config.GetStringList("fresh"));
    }

    [Fact]
    public void Plus_equals_with_a_list_appends_the_list_as_one_element()
    {
        // The spec defines `a += x` as `a = ${?a} [x]`, so x = [3] becomes a nested list.
        var config = Hocon.Parse("list = [1]\nlist += [3]");
        var error = Hocon.FailsQuickly(() => config.GetIntList("list"));
        Assert.Equal("list[1]", error.ConfigPath);
        Assert.Contains("found a list", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plus_equals_works_inside_nested_objects()
    {
        var config = Hocon.Parse("a { b = [x] }\na { b += y }\na.b += z");
        Assert.Equal(["x", "y", "z"], config.GetStringList("a.b"));
    }

    [Fact]
    public void Plus_equals_on_a_non_list_is_an_error()
    {
        var error = Hocon.ParseFails("a = text\na += 1", 2, 3, "cannot concatenate");
        Assert.Contains("string \"text\"", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_substitution_merges_with_an_object_literal()
    {
        var config = Hocon.Parse("defaults { port = 1, host = h }\nnode = ${defaults} { port = 2 }");
        Assert.Equal(2, config.GetInt("node.port"));
        Assert.Equal("h", config.GetString("node.host"));
        Assert.Equal(1, config.GetInt("defaults.port"));
    }

    [Fact]
    public void Object_defined_after_a_substitution_merges_with_its_result()
    {
        var config = Hocon.Parse("defaults { port = 1, host = h }\nnode = ${defaults}\nnode { port = 2 }");
        Assert.Equal(2, config.GetInt("node.port"));
        Assert.Equal("h", config.GetString("node.host"));
    }

    [Fact]
    public void Substitution_of_a_list_concatenates_with_a_list()
    {
        var config = Hocon.Parse("base = [1, 2]\nall = ${base} [3]");
        Assert.Equal([1, 2, 3], config.GetIntList("all"));
    }

    [Fact]
    public void A_later_plain_value_replaces_a_substitution_that_would_fail()
    {
        var config = Hocon.Parse("a = ${does.not.exist}\na = 1");
        Assert.Equal(1, config.GetInt("a"));
    }

    [Fact]
    public void Chains_of_substitutions_resolve()
    {
        var config = Hocon.Parse("a = ${b}\nb = ${c}\nc = ${d}\nd = end");
        Assert.Equal("end", config.GetString("a"));
    }

    [Fact]
    public void Substitution_of_null_yields_null()
    {
        var config = Hocon.Parse("a = null\nb = ${a}");
        Assert.False(config.HasPath("b"), "expected b to be null like a");
    }

    [Fact]
    public void Quoted_path_segments_work_in_substitutions()
    {
        var config = Hocon.Parse("\"a.b\" { c = 5 }\nd = ${\"a.b\".c}");
        Assert.Equal(5, config.GetInt("d"));
    }

    [Fact]
    public void Environment_value_used_by_a_getter_reports_the_substitution_site()
    {
        var config = Hocon.Parse("x = 1\nport = ${RAFT_PORT}", new Dictionary<string, string> { ["RAFT_PORT"] = "abc" });
        var error = Hocon.FailsQuickly(() => config.GetInt("port"));
        Hocon.AssertAt(error, 2, 8, "expected an integer but found string \"abc\"");
        Assert.Equal("port", error.ConfigPath);
    }

    [Fact]
    public void Missing_substitution_is_an_error_at_the_substitution()
    {
        var error = Hocon.ParseFails("a = 1\nb = foo ${missing.path}", 2, 9, "could not resolve substitution ${missing.path}");
        Assert.Contains("environment variable 'missing.path'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_field_cycle_is_reported_with_its_path()
    {
        var error = Hocon.ParseFails("a = ${b}\nb = ${a}", 2, 5, "substitution cycle: a -> b -> a");
        Assert.Null(error.ConfigPath);
    }

    [Fact]
    public void Self_cycle_without_previous_value_and_environment_is_an_unresolved_error()
    {
        Hocon.ParseFails("a = ${a}", 1, 5, "could not resolve substitution ${a}");
    }

    [Fact]
    public void Cycle_through_an_enclosing_object_is_detected()
    {
        Hocon.ParseFails("a { b = ${a} }", 1, 9, "substitution cycle: a -> a.b -> a");
    }

    [Fact]
    public void Cycle_through_a_list_is_detected()
    {
        Hocon.ParseFails("a = [${a}]", 1, 6, "substitution cycle: a -> a");
    }

    [Fact]
    public void Longer_cycle_inside_objects_names_every_step()
    {
        Hocon.ParseFails("x { a = ${y.b} }\ny { b = ${z} }\nz = ${x.a}", 3, 5, "substitution cycle: x.a -> y.b -> z -> x.a");
    }

    [Fact]
    public void Very_long_substitution_chain_is_an_error_not_a_stack_overflow()
    {
        var lines = Enumerable.Range(0, 5000).Select(i => $"a{i} = ${{a{i + 1}}}").Append("a5000 = end");
        var error = Hocon.FailsQuickly(() => Hocon.Parse(string.Join("\n", lines)));
        Assert.True(error.Line > 0, "expected the error to name a line");
    }

    [Fact]
    public void Exponential_list_expansion_is_rejected()
    {
        var lines = new List<string> { "a0 = [1, 2, 3, 4]" };
        for (var i = 1; i <= 40; i++)
        {
            lines.Add($"a{i} = [${{a{i - 1}}}, ${{a{i - 1}}}]");
        }

        var error = Hocon.FailsQuickly(() => Hocon.Parse(string.Join("\n", lines)));
        Assert.Contains("expands to more than", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Exponential_string_expansion_is_rejected()
    {
        var lines = new List<string> { "s0 = xxxxxxxxxxxxxxxx" };
        for (var i = 1; i <= 64; i++)
        {
            lines.Add($"s{i} = ${{s{i - 1}}}${{s{i - 1}}}");
        }

        var error = Hocon.FailsQuickly(() => Hocon.Parse(string.Join("\n", lines)));
        Assert.Contains("longer than", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unresolved_config_can_take_its_values_from_a_fallback_then_resolve()
    {
        var application = HoconConfig.Parse("node.url = \"tcp://\"${node.ip}\":\"${node.port}", null,
            new HoconParseOptions { ResolveSubstitutions = false, EnvironmentLookup = _ => null });
        var reference = Hocon.Parse("node { ip = \"127.0.0.1\", port = 8041 }");
        Assert.False(application.IsResolved, "expected an unresolved config when ResolveSubstitutions is off");
        Hocon.FailsQuickly(() => application.GetString("node.url"));

        var merged = application.WithFallback(reference).Resolve();
        Assert.True(merged.IsResolved, "expected Resolve() to produce a resolved config");
        Assert.Equal("tcp://127.0.0.1:8041", merged.GetString("node.url"));
    }

    [Fact]
    public void Resolve_uses_an_explicit_environment_lookup()
    {
        var unresolved = HoconConfig.Parse("port = ${?P}", null, new HoconParseOptions { ResolveSubstitutions = false });
        var resolved = unresolved.Resolve(name => name == "P" ? "77" : null);
        Assert.Equal(77, resolved.GetInt("port"));
        Assert.False(unresolved.IsResolved, "expected Resolve() to leave the original config untouched");
    }
}
