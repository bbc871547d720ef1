namespace RaftRunner.Hocon.Tests;

public class SyntaxTests
{
    [Fact]
    public void Empty_text_is_an_empty_config()
    {
        var config = Hocon.Parse("");
        Assert.True(config.IsEmpty, "expected no settings in an empty document");
        Assert.Empty(config.Keys);
    }

    [Fact]
    public void Comments_and_blank_lines_only_is_an_empty_config()
    {
        Assert.True(Hocon.Parse("# a comment\n\n// another\n   \n").IsEmpty, "expected comments alone to define nothing");
    }

    [Fact]
    public void Root_braces_are_optional()
    {
        var braced = Hocon.Parse("{ a = 1, b = two }");
        var bare = Hocon.Parse("a = 1\nb = two");
        Assert.Equal(1, braced.GetInt("a"));
        Assert.Equal("two", braced.GetString("b"));
        Assert.Equal(1, bare.GetInt("a"));
        Assert.Equal("two", bare.GetString("b"));
    }

    [Fact]
    public void Json_documents_parse()
    {
        var config = Hocon.Parse("""{"name": "node", "port": 8041, "tags": ["a", "b"], "nested": {"on": true, "off": null}}""");
        Assert.Equal("node", config.GetString("name"));
        Assert.Equal(8041, config.GetInt("port"));
        Assert.Equal(["a", "b"], config.GetStringList("tags"));
        Assert.True(config.GetBoolean("nested.on"), "expected nested.on to be true");
        Assert.False(config.HasPath("nested.off"), "expected a null setting to count as absent");
    }

    [Theory]
    [InlineData("a = 1")]
    [InlineData("a : 1")]
    [InlineData("a=1")]
    [InlineData("a:1")]
    [InlineData("a =\n 1")]
    public void Equals_and_colon_both_separate_key_and_value(string text)
    {
        Assert.Equal(1, Hocon.Parse(text).GetInt("a"));
    }

    [Fact]
    public void A_brace_after_a_key_needs_no_separator()
    {
        var config = Hocon.Parse("a { b = 1 }");
        Assert.Equal(1, config.GetInt("a.b"));
    }

    [Fact]
    public void Dotted_keys_build_nested_objects()
    {
        var config = Hocon.Parse("a.b.c = 1\na.b.d = 2\na.e = 3");
        Assert.Equal(1, config.GetInt("a.b.c"));
        Assert.Equal(2, config.GetInt("a.b.d"));
        Assert.Equal(3, config.GetInt("a.e"));
        Assert.Equal(["b", "e"], config.GetConfig("a").Keys);
    }

    [Fact]
    public void Quoted_keys_keep_their_dots()
    {
        var config = Hocon.Parse("\"a.b\" = 1\n\"x\".\"y.z\" = 2");
        Assert.Equal(1, config.GetInt("\"a.b\""));
        Assert.False(config.HasPath("a.b"), "expected the quoted key \"a.b\" not to create a.b");
        Assert.Equal(2, config.GetInt("x.\"y.z\""));
    }

    [Fact]
    public void Keys_may_contain_whitespace_and_digits()
    {
        var config = Hocon.Parse("foo bar = 1\n10.0.1 = x");
        Assert.Equal(1, config.GetInt("\"foo bar\""));
        Assert.Equal("x", config.GetString("10.0.1"));
        Assert.Equal(["0"], config.GetConfig("10").Keys);
    }

    [Fact]
    public void Duplicate_objects_merge_and_later_values_win()
    {
        var config = Hocon.Parse("""
            a { x = 1, y = 2 }
            a { y = 3, z = 4 }
            b = 1
            b = 2
            """);
        Assert.Equal(1, config.GetInt("a.x"));
        Assert.Equal(3, config.GetInt("a.y"));
        Assert.Equal(4, config.GetInt("a.z"));
        Assert.Equal(2, config.GetInt("b"));
    }

    [Fact]
    public void A_non_object_value_replaces_an_object_and_vice_versa()
    {
        var config = Hocon.Parse("a { x = 1 }\na = 5\nb = 5\nb { y = 2 }");
        Assert.Equal(5, config.GetInt("a"));
        Assert.Equal(2, config.GetInt("b.y"));
    }

    [Fact]
    public void Both_comment_styles_are_ignored_including_at_end_of_line()
    {
        var config = Hocon.Parse("""
            # hash comment
            // slash comment
            a = 1 # trailing
            b = two // trailing
            c = "not # a comment"
            """);
        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal("two", config.GetString("b"));
        Assert.Equal("not # a comment", config.GetString("c"));
    }

    [Fact]
    public void Fields_are_separated_by_newlines_or_commas_and_trailing_commas_are_allowed()
    {
        var config = Hocon.Parse("a = 1, b = 2,\nc = 3,\nlist = [1, 2, 3,]\nobj = { x = 1, }");
        Assert.Equal([1, 2, 3], new[] { config.GetInt("a"), config.GetInt("b"), config.GetInt("c") });
        Assert.Equal([1, 2, 3], config.GetIntList("list"));
        Assert.Equal(1, config.GetInt("obj.x"));
    }

    [Fact]
    public void List_elements_may_be_separated_by_newlines()
    {
        var config = Hocon.Parse("list = [\n  1\n  2\n\n  3\n]");
        Assert.Equal([1, 2, 3], config.GetIntList("list"));
    }

    [Fact]
    public void Quoted_strings_decode_json_escapes()
    {
        var config = Hocon.Parse("""s = "tab\there\nquote\" slash\\ solidus\/ e\u00e9 \b\f\r" """);
        Assert.Equal("tab\there\nquote\" slash\\ solidus/ eé \b\f\r", config.GetString("s"));
    }

    [Fact]
    public void Unquoted_strings_keep_inner_whitespace_and_drop_the_ends()
    {
        var config = Hocon.Parse("a =   foo bar   baz   \nb = word//comment");
        Assert.Equal("foo bar   baz", config.GetString("a"));
        Assert.Equal("word", config.GetString("b"));
    }

    [Fact]
    public void Unquoted_text_may_contain_dots_slashes_and_dashes()
    {
        var config = Hocon.Parse("path = /var/lib/raft-runner/data.1\nversion = 1.2.3\nneg = -x");
        Assert.Equal("/var/lib/raft-runner/data.1", config.GetString("path"));
        Assert.Equal("1.2.3", config.GetString("version"));
        Assert.Equal("-x", config.GetString("neg"));
    }

    [Fact]
    public void Simple_values_concatenate_into_one_string_keeping_the_whitespace_between()
    {
        var config = Hocon.Parse("a = foo \"bar\" 1  true\nb = \"x\"\"y\"\nc = 10 seconds");
        Assert.Equal("foo bar 1  true", config.GetString("a"));
        Assert.Equal("xy", config.GetString("b"));
        Assert.Equal("10 seconds", config.GetString("c"));
    }

    [Fact]
    public void Triple_quoted_strings_are_raw_and_may_span_lines()
    {
        var config = Hocon.Parse("a = \"\"\"line one\n  \"quoted\" \\n not an escape\nline three\"\"\"\nb = 1");
        Assert.Equal("line one\n  \"quoted\" \\n not an escape\nline three", config.GetString("a"));
        Assert.Equal(1, config.GetInt("b"));
    }

    [Fact]
    public void Extra_quotes_before_a_triple_quote_close_belong_to_the_string()
    {
        var config = Hocon.Parse("a = \"\"\"x\"\"\"\"\"");
        Assert.Equal("x\"\"", config.GetString("a"));
    }

    [Fact]
    public void Numbers_keep_their_type_and_text()
    {
        var config = Hocon.Parse("i = 42\nn = -7\nl = 9000000000\nd = 1.5\ne = 1e3\nneg = -2.5E-2\nz = 007");
        Assert.Equal(42, config.GetInt("i"));
        Assert.Equal(-7, config.GetInt("n"));
        Assert.Equal(9_000_000_000L, config.GetLong("l"));
        Assert.Equal(1.5, config.GetDouble("d"));
        Assert.Equal(1000, config.GetInt("e"));
        Assert.Equal(-0.025, config.GetDouble("neg"), 10);
        Assert.Equal("007", config.GetString("z"));
        Assert.Equal(7, config.GetInt("z"));
        Assert.Equal("1.5", config.GetString("d"));
    }

    [Fact]
    public void Booleans_and_null_are_recognised()
    {
        var config = Hocon.Parse("t = true\nf = false\nn = null\ns = \"true\"");
        Assert.True(config.GetBoolean("t"), "expected t = true");
        Assert.False(config.GetBoolean("f"), "expected f = false");
        Assert.False(config.HasPath("n"), "expected null to count as absent");
        Assert.True(config.GetBoolean("s"), "expected the string \"true\" to read as a boolean");
    }

    [Fact]
    public void Null_overrides_an_earlier_value()
    {
        var config = Hocon.Parse("a = 1\na = null");
        Assert.False(config.HasPath("a"), "expected a = null to hide the earlier a = 1");
        Assert.Equal(5, config.GetInt("a", 5));
    }

    [Fact]
    public void Lists_may_nest_and_hold_objects()
    {
        var config = Hocon.Parse("peers = [ { id = a, url = \"tcp://127.0.0.1:8041\" }, { id = b } ]\nm = [[1, 2], [3]]");
        var peers = config.GetConfigList("peers");
        Assert.Equal(2, peers.Count);
        Assert.Equal("tcp://127.0.0.1:8041", peers[0].GetString("url"));
        Assert.Equal("b", peers[1].GetString("id"));
        Assert.Contains("[1, 2]", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_concatenate()
    {
        var config = Hocon.Parse("a = [1, 2] [3]\nb = [1]\n  c = [ [1] [2] ]");
        Assert.Equal([1, 2, 3], config.GetIntList("a"));
        Assert.Single(config.ToString().Split('\n'), l => l.Contains("c = [", StringComparison.Ordinal));
    }

    [Fact]
    public void Objects_concatenate_with_later_fields_winning()
    {
        var config = Hocon.Parse("a = { x = 1, y = 1 } { y = 2 }");
        Assert.Equal(1, config.GetInt("a.x"));
        Assert.Equal(2, config.GetInt("a.y"));
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_endings_are_accepted()
    {
        var config = Hocon.Parse("\uFEFFa = 1\r\nb = two\r\n");
        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal("two", config.GetString("b"));
    }

    [Fact]
    public void Include_is_an_ordinary_key_when_followed_by_a_separator()
    {
        var config = Hocon.Parse("include = 5\n\"include\" { x = 1 }");
        Assert.Equal(1, config.GetInt("include.x"));
    }

    [Fact]
    public void Empty_quoted_key_is_allowed()
    {
        var config = Hocon.Parse("\"\" = 1\na.\"\".b = 2");
        Assert.Equal(1, config.GetInt("\"\""));
        Assert.Equal(2, config.GetInt("a.\"\".b"));
    }
}
