namespace RaftRunner.Hocon.Tests;

public class RenderingTests
{
    [Fact]
    public void Empty_config_renders_as_empty_braces()
    {
        Assert.Equal("{}", HoconConfig.Empty.ToString());
    }

    [Fact]
    public void Rendering_is_readable_hocon()
    {
        var config = Hocon.Parse("raft-runner { node { id = node1, port = 8041, peers = [a, b] }, raft.prevent-spiral-elections = yes }");
        const string expected = """
            raft-runner {
              node {
                id = "node1"
                port = 8041
                peers = ["a", "b"]
              }
              raft {
                prevent-spiral-elections = "yes"
              }
            }

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), config.ToString());
    }

    [Fact]
    public void Rendering_parses_back_to_the_same_values()
    {
        var original = Hocon.Parse("""
            "a.b" = "quote \" and \\ and \n newline"
            include-like { "include" = 1 }
            numbers = [1, -2.5, 1e3]
            objects = [ { x = 1 }, { y = [true, null] } ]
            empty { }
            empty-list = []
            nested.deep.er = "x"
            tab = "a\tb\u0001"
            """);
        var reparsed = Hocon.Parse(original.ToString());
        Assert.Equal(original.ToString(), reparsed.ToString());
        Assert.Equal("quote \" and \\ and \n newline", reparsed.GetString("\"a.b\""));
        Assert.Equal(1, reparsed.GetInt("include-like.\"include\""));
        Assert.Equal(2, reparsed.GetConfigList("objects").Count);
        Assert.Equal("a\tb\u0001", reparsed.GetString("tab"));
    }

    [Fact]
    public void Unresolved_config_renders_its_substitutions_and_layers()
    {
        var options = new HoconParseOptions { ResolveSubstitutions = false, EnvironmentLookup = _ => null };
        var unresolved = HoconConfig.Parse("port = 8041\nport = ${?PORT}\nurl = \"tcp://h:\"${port}\nlist += x", null, options);
        var text = unresolved.ToString();
        Assert.Contains("${?PORT}", text, StringComparison.Ordinal);
        Assert.Contains("\"tcp://h:\"${port}", text, StringComparison.Ordinal);

        var reparsed = HoconConfig.Parse(text, null, options).Resolve();
        Assert.Equal(8041, reparsed.GetInt("port"));
        Assert.Equal("tcp://h:8041", reparsed.GetString("url"));
        Assert.Equal(["x"], reparsed.GetStringList("list"));
    }
}
