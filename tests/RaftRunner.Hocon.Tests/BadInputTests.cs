namespace RaftRunner.Hocon.Tests;

/// <summary>Every malformed document must end in a ConfigurationException that points at the culprit, quickly.</summary>
public class BadInputTests
{
    [Fact]
    public void Unclosed_brace_points_at_the_opening_brace()
    {
        Hocon.ParseFails("a {\n  b = 1\n", 1, 3, "unclosed '{'");
        Hocon.ParseFails("{ a = 1", 1, 1, "unclosed '{'");
    }

    [Fact]
    public void Unclosed_bracket_points_at_the_opening_bracket()
    {
        Hocon.ParseFails("a = [1,\n2", 1, 5, "unclosed '['");
    }

    [Fact]
    public void Unclosed_string_points_at_the_opening_quote()
    {
        Hocon.ParseFails("a = 1\nb = \"abc", 2, 5, "unclosed string");
        Hocon.ParseFails("b = \"abc\ndef\"", 1, 5, "unclosed string");
        Hocon.ParseFails("b = \"abc\\", 1, 9, "unclosed string");
    }

    [Fact]
    public void Unclosed_triple_quoted_string_points_at_its_start()
    {
        Hocon.ParseFails("a = 1\nb = \"\"\"abc\n\nmore", 2, 5, "unclosed triple-quoted string");
    }

    [Fact]
    public void Bad_substitution_syntax_is_reported()
    {
        Hocon.ParseFails("a = ${", 1, 5, "unclosed substitution");
        Hocon.ParseFails("a = ${b\nc = 1", 1, 5, "unclosed substitution");
        Hocon.ParseFails("a = ${}", 1, 5, "empty substitution");
        Hocon.ParseFails("a = ${?  }", 1, 5, "empty substitution");
        Hocon.ParseFails("a = ${b..c}", 1, 5, "invalid substitution 'b..c'");
        Hocon.ParseFails("a = ${b[0]}", 1, 8, "character '[' is not allowed in a substitution path");
        Hocon.ParseFails("a = $b", 1, 5, "'$' must start a substitution");
    }

    [Fact]
    public void Substitution_to_a_missing_path_points_at_the_substitution()
    {
        Hocon.ParseFails("x = 1\ny {\n  z = ${nope}\n}", 3, 7, "could not resolve substitution ${nope}");
    }

    [Fact]
    public void Substitution_cycle_is_reported_not_overflowed()
    {
        Hocon.ParseFails("a = ${b}\nb = ${c}\nc = ${a}", 3, 5, "substitution cycle: a -> b -> c -> a");
    }

    [Fact]
    public void Root_must_be_an_object()
    {
        Hocon.ParseFails("[1, 2]", 1, 1, "must be an object");
    }

    [Fact]
    public void Stray_closing_brace_and_trailing_text_are_errors()
    {
        Hocon.ParseFails("a = 1\n}", 2, 1, "unexpected '}'");
        Hocon.ParseFails("{ a = 1 } b", 1, 11, "after the closing '}' of the root object");
        Hocon.ParseFails("a = [1 }", 1, 8, "expected ',' or ']'");
    }

    [Fact]
    public void Key_without_value_is_an_error()
    {
        Hocon.ParseFails("a\nb = 1", 1, 2, "expected '=', ':' or '{' after key 'a' but found the end of the line");
        Hocon.ParseFails("a =\n", 2, 1, "expected a value for 'a' but found the end of the input");
        Hocon.ParseFails("x { a = }", 1, 9, "expected a value for 'a' but found '}'");
        Hocon.ParseFails("a = [1, 2] [", 1, 12, "unclosed '['");
    }

    [Fact]
    public void Two_fields_on_one_line_need_a_comma()
    {
        Hocon.ParseFails("a = 1 b = 2", 1, 9, "unexpected '=' in a value");
    }

    [Fact]
    public void Unquoted_url_is_an_error_suggesting_quotes()
    {
        Hocon.ParseFails("url = tcp://127.0.0.1:8041", 1, 10, "quote the string");
    }

    [Fact]
    public void Misplaced_commas_are_errors()
    {
        Hocon.ParseFails("a = 1,,b = 2", 1, 7, "unexpected ','");
        Hocon.ParseFails("a = [,1]", 1, 6, "unexpected ','");
        Hocon.ParseFails("a = [1,,2]", 1, 8, "unexpected ','");
    }

    [Fact]
    public void Reserved_characters_are_errors()
    {
        Hocon.ParseFails("a = b^c", 1, 6, "character '^' is reserved");
        Hocon.ParseFails("a = 1+2", 1, 6, "'+' is only allowed as part of '+='");
        Hocon.ParseFails("a = what?", 1, 9, "character '?' is reserved");
    }

    [Fact]
    public void Bad_escapes_are_errors()
    {
        Hocon.ParseFails("a = \"\\q\"", 1, 6, "invalid escape sequence '\\q'");
        Hocon.ParseFails("a = \"\\u12\"", 1, 6, "four hex digits");
    }

    [Fact]
    public void Invalid_keys_are_errors()
    {
        Hocon.ParseFails("a..b = 1", 1, 1, "invalid key 'a..b'");
        Hocon.ParseFails(".a = 1", 1, 1, "invalid key");
        Hocon.ParseFails("${a} = 1", 1, 1, "a substitution cannot be used as a key");
        Hocon.ParseFails("= 1", 1, 1, "expected a key but found '='");
    }

    [Fact]
    public void Mixing_lists_and_strings_in_a_concatenation_is_an_error()
    {
        Hocon.ParseFails("a = [1] foo", 1, 5, "cannot concatenate a list with string \"foo\"");
        Hocon.ParseFails("a = { x = 1 } [1]", 1, 5, "cannot concatenate an object with a list");
    }

    [Fact]
    public void Deeply_nested_lists_give_an_error_not_a_stack_overflow()
    {
        var text = "a = " + new string('[', 100_000);
        Hocon.ParseFails(text, 1, 4 + 513, "nesting is deeper than 512 levels");
    }

    [Fact]
    public void Deeply_nested_objects_give_an_error_not_a_stack_overflow()
    {
        var text = string.Concat(Enumerable.Repeat("a{", 100_000));
        // Reported at the 513th key, whose value would be the 513th level.
        Hocon.ParseFails(text, 1, (2 * 512) + 1, "nesting is deeper than 512 levels");
        Hocon.ParseFails("a = " + string.Concat(Enumerable.Repeat("{a=", 100_000)), 1, 5 + (3 * 511) + 1, "nesting is deeper than 512 levels");
    }

    [Fact]
    public void Very_long_dotted_key_gives_an_error_not_a_stack_overflow()
    {
        var text = string.Join(".", Enumerable.Repeat("a", 100_000)) + " = 1";
        Hocon.ParseFails(text, 1, 1, "nesting is deeper than 512 levels");
    }

    [Fact]
    public void Nesting_just_under_the_limit_parses_renders_and_reads()
    {
        var config = Hocon.Parse("a = " + new string('[', 500) + "1" + new string(']', 500) + "\nb." + string.Join(".", Enumerable.Repeat("k", 500)) + " = 2");
        Assert.True(config.HasPath("a"), "expected 500 nested lists to parse");
        Assert.Equal(2, config.GetInt("b." + string.Join(".", Enumerable.Repeat("k", 500))));
        var rendered = config.ToString();
        Assert.Equal(config.ToString(), Hocon.Parse(rendered).ToString());
    }

    [Fact]
    public void Substitutions_cannot_build_a_tree_deeper_than_the_limit()
    {
        var lines = new List<string> { "d0 = " + new string('[', 500) + new string(']', 500) };
        for (var i = 1; i <= 600; i++)
        {
            lines.Add($"d{i} = [${{d{i - 1}}}]");
        }

        var error = Hocon.FailsQuickly(() => Hocon.Parse(string.Join("\n", lines)));
        Assert.Contains("deeper than", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_garbage_never_escapes_as_anything_but_a_configuration_exception()
    {
        // Seeded so a failure can be replayed; the alphabet is weighted towards HOCON's structural characters.
        const int seed = 20_240_601;
        var random = new Random(seed);
        const string alphabet = "{}[]{}[]=:,.\"\"$?+#/\\\n \t abc123-_.e${}\"\"\"";
        for (var round = 0; round < 3000; round++)
        {
            var length = random.Next(0, 60);
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            try
            {
                var config = Hocon.Parse(text);
                _ = config.ToString();
            }
            catch (ConfigurationException error)
            {
                Assert.True(error.Line > 0, $"expected a line number for input {Quote(text)} (seed {seed}, round {round}) but got: {error.Message}");
            }
        }
    }

    [Fact]
    public void Random_substitution_graphs_resolve_or_fail_with_a_configuration_exception()
    {
        // Random well-formed documents full of references between a few keys: self-references, cycles,
        // optional and missing paths, merges and appends. None may hang or throw anything else.
        const int seed = 4242;
        var random = new Random(seed);
        string[] keys = ["a", "b", "c", "a.x", "b.y", "c.z", "list"];
        string[] values =
        [
            "1", "text", "[1, 2]", "{ x = 1 }", "${a}", "${?b}", "${c.z}", "${a.x}", "${?list} [3]", "[${b}]",
            "{ y = ${a} }", "${a} ${b}", "\"s\"${?c}", "${list}", "${a} { x = 2 }", "null", "${?missing}",
        ];
        for (var round = 0; round < 2000; round++)
        {
            var lines = new List<string>();
            var count = random.Next(1, 8);
            for (var i = 0; i < count; i++)
            {
                var key = keys[random.Next(keys.Length)];
                var op = random.Next(6) == 0 ? " += " : " = ";
                lines.Add(key + op + values[random.Next(values.Length)]);
            }

            var text = string.Join("\n", lines);
            try
            {
                var config = Hocon.Parse(text);
                _ = config.ToString();
                Assert.Equal(config.ToString(), Hocon.Parse(config.ToString()).ToString());
            }
            catch (ConfigurationException error)
            {
                Assert.True(error.Line > 0, $"expected a line number for {Quote(text)} (seed {seed}, round {round}) but got: {error.Message}");
            }
        }
    }

    private static string Quote(string text) => "\"" + text.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
