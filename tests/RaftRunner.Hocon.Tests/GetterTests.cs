namespace RaftRunner.Hocon.Tests;

public class GetterTests
{
    private static readonly Config Sample = Hocon.Parse("""
        raft {
          port = 8041
          name = node1
          ratio = 0.75
          big = 9000000000
          flag = on
          timeout = 200ms
          size = 64KiB
          peers = [a, b, c]
          ports = [1, 2, 3]
          nested { deep { value = 1 } }
          list-of-objects = [ { id = 1 }, { id = 2 } ]
          text = "abc"
          empty-list = []
        }
        """, fileName: "hocon/node1.conf");

    [Fact]
    public void Getters_read_each_type()
    {
        Assert.Equal(8041, Sample.GetInt("raft.port"));
        Assert.Equal(8041L, Sample.GetLong("raft.port"));
        Assert.Equal("node1", Sample.GetString("raft.name"));
        Assert.Equal(0.75, Sample.GetDouble("raft.ratio"));
        Assert.Equal(9_000_000_000L, Sample.GetLong("raft.big"));
        Assert.True(Sample.GetBoolean("raft.flag"), "expected 'on' to read as true");
        Assert.Equal(TimeSpan.FromMilliseconds(200), Sample.GetTimeSpan("raft.timeout"));
        Assert.Equal(65536L, Sample.GetByteSize("raft.size"));
        Assert.Equal(["a", "b", "c"], Sample.GetStringList("raft.peers"));
        Assert.Equal([1, 2, 3], Sample.GetIntList("raft.ports"));
        Assert.Equal(["1", "2", "3"], Sample.GetStringList("raft.ports"));
        Assert.Empty(Sample.GetStringList("raft.empty-list"));
        Assert.Equal("8041", Sample.GetString("raft.port"));
    }

    [Fact]
    public void Defaulted_getters_return_the_default_only_when_the_path_is_absent()
    {
        Assert.Equal(8041, Sample.GetInt("raft.port", 1));
        Assert.Equal(7, Sample.GetInt("raft.missing", 7));
        Assert.Equal(7L, Sample.GetLong("raft.missing", 7L));
        Assert.Equal("d", Sample.GetString("nowhere.at.all", "d"));
        Assert.Equal(1.5, Sample.GetDouble("raft.missing", 1.5));
        Assert.True(Sample.GetBoolean("raft.missing", true), "expected the default true");
        Assert.Equal(TimeSpan.FromSeconds(3), Sample.GetTimeSpan("raft.missing", TimeSpan.FromSeconds(3)));
        Assert.Equal(10L, Sample.GetByteSize("raft.missing", 10L));
        Assert.Equal(["x"], Sample.GetStringList("raft.missing", ["x"]));
        Assert.Equal([9], Sample.GetIntList("raft.missing", [9]));
    }

    [Fact]
    public void Defaulted_getter_still_reports_a_wrong_type()
    {
        var error = Hocon.FailsQuickly(() => Sample.GetInt("raft.text", 5));
        Assert.Equal("reading 'raft.text': expected an integer but found string \"abc\" (hocon/node1.conf:13:10)", error.Message);
        Assert.Equal("raft.text", error.ConfigPath);
        Assert.Equal("hocon/node1.conf", error.FileName);
        Assert.Equal(13, error.Line);
        Assert.Equal(10, error.Column);
    }

    [Fact]
    public void Defaulted_getter_reports_a_path_that_runs_through_a_non_object()
    {
        var error = Hocon.FailsQuickly(() => Sample.GetInt("raft.port.x", 5));
        Hocon.AssertAt(error, 2, 10, "'raft.port' is number 8041, not an object");
    }

    [Fact]
    public void Missing_setting_is_an_error_naming_the_path()
    {
        var error = Hocon.FailsQuickly(() => Sample.GetString("raft.nope"));
        Assert.Equal("raft.nope", error.ConfigPath);
        Assert.Equal("reading 'raft.nope': no setting at this path (hocon/node1.conf)", error.Message);
    }

    [Fact]
    public void Null_setting_is_an_error_for_a_getter_without_default()
    {
        var config = Hocon.Parse("a = null");
        var error = Hocon.FailsQuickly(() => config.GetString("a"));
        Hocon.AssertAt(error, 1, 5, "the setting is null");
        Assert.Equal("fallback", config.GetString("a", "fallback"));
    }

    [Theory]
    [InlineData("raft.name", "an integer", "string \"node1\"", 3, 10)]
    [InlineData("raft.ratio", "an integer", "number 0.75", 4, 11)]
    [InlineData("raft.peers", "an integer", "a list", 9, 11)]
    [InlineData("raft.nested", "an integer", "an object", 11, 10)]
    public void GetInt_reports_what_it_found(string path, string expected, string found, int line, int column)
    {
        var error = Hocon.FailsQuickly(() => Sample.GetInt(path));
        Hocon.AssertAt(error, line, column, $"expected {expected} but found {found}");
        Assert.Equal(path, error.ConfigPath);
    }

    [Fact]
    public void GetInt_rejects_numbers_out_of_range()
    {
        var error = Hocon.FailsQuickly(() => Sample.GetInt("raft.big"));
        Hocon.AssertAt(error, 5, 9, "number 9000000000 is out of range for a 32-bit integer");
        var huge = Hocon.Parse("n = 99999999999999999999999");
        Hocon.AssertAt(Hocon.FailsQuickly(() => huge.GetLong("n")), 1, 5, "out of range for a 64-bit integer");
    }

    [Fact]
    public void Whole_numbers_written_as_decimals_read_as_integers()
    {
        var config = Hocon.Parse("a = 2.0\nb = 1e3\nc = \"42\"\nd = -5");
        Assert.Equal(2, config.GetInt("a"));
        Assert.Equal(1000, config.GetInt("b"));
        Assert.Equal(42, config.GetInt("c"));
        Assert.Equal(-5L, config.GetLong("d"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("false", false)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    [InlineData("\"yes\"", true)]
    public void GetBoolean_accepts_the_spec_spellings(string text, bool expected)
    {
        Assert.Equal(expected, Hocon.Parse("b = " + text).GetBoolean("b"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("maybe")]
    [InlineData("TRUE")]
    public void GetBoolean_rejects_other_values(string text)
    {
        var error = Hocon.FailsQuickly(() => Hocon.Parse("b = " + text).GetBoolean("b"));
        Hocon.AssertAt(error, 1, 5, "expected a boolean");
    }

    [Fact]
    public void GetDouble_rejects_non_numbers()
    {
        Hocon.AssertAt(Hocon.FailsQuickly(() => Hocon.Parse("d = NaN").GetDouble("d")), 1, 5, "expected a number but found string \"NaN\"");
    }

    [Fact]
    public void GetString_rejects_objects_and_lists()
    {
        Hocon.AssertAt(Hocon.FailsQuickly(() => Sample.GetString("raft.nested")), 11, 10, "expected a string but found an object");
        Hocon.AssertAt(Hocon.FailsQuickly(() => Sample.GetString("raft.peers")), 9, 11, "expected a string but found a list");
    }

    [Fact]
    public void List_getter_names_the_offending_element()
    {
        var config = Hocon.Parse("ports = [1, two, 3]");
        var error = Hocon.FailsQuickly(() => config.GetIntList("ports"));
        Hocon.AssertAt(error, 1, 13, "expected an integer but found string \"two\"");
        Assert.Equal("ports[1]", error.ConfigPath);
        Hocon.AssertAt(Hocon.FailsQuickly(() => Sample.GetStringList("raft.port")), 2, 10, "expected a list");
    }

    [Fact]
    public void Null_list_element_is_an_error_not_the_text_null()
    {
        var config = Hocon.Parse("names = [a, null]");
        var error = Hocon.FailsQuickly(() => config.GetStringList("names"));
        Hocon.AssertAt(error, 1, 13, "expected a string but found null");
        Assert.Equal("names[1]", error.ConfigPath);
    }

    [Fact]
    public void GetConfig_returns_a_subtree_and_an_empty_config_for_a_missing_path()
    {
        var nested = Sample.GetConfig("raft.nested");
        Assert.Equal(1, nested.GetInt("deep.value"));
        Assert.Equal(["deep"], nested.Keys);
        Assert.True(Sample.GetConfig("raft.absent").IsEmpty, "expected an empty config for a missing path");
        Hocon.AssertAt(Hocon.FailsQuickly(() => Sample.GetConfig("raft.port")), 2, 10, "expected an object");
    }

    [Fact]
    public void GetConfigList_reads_lists_of_objects()
    {
        var items = Sample.GetConfigList("raft.list-of-objects");
        Assert.Equal([1, 2], items.Select(c => c.GetInt("id")));
        Hocon.AssertAt(Hocon.FailsQuickly(() => Sample.GetConfigList("raft.peers")), 9, 12, "expected an object but found string \"a\"");
    }

    [Fact]
    public void HasPath_reports_presence_without_throwing_for_wrong_shapes()
    {
        Assert.True(Sample.HasPath("raft.port"), "expected raft.port to exist");
        Assert.True(Sample.HasPath("raft.nested"), "expected an object to count as present");
        Assert.False(Sample.HasPath("raft.port.deeper"), "expected a path through a number to be absent");
        Assert.False(Sample.HasPath("nothing"), "expected a missing key to be absent");
    }

    [Fact]
    public void Keys_lists_root_keys_in_written_order()
    {
        var config = Hocon.Parse("zeta = 1\nalpha = 2\nmid { x = 1 }\nalpha = 3");
        Assert.Equal(["zeta", "alpha", "mid"], config.Keys);
    }

    [Fact]
    public void Invalid_getter_path_is_a_configuration_error()
    {
        var error = Hocon.FailsQuickly(() => Sample.GetInt("raft..port"));
        Assert.Equal("raft..port", error.ConfigPath);
        Assert.Contains("invalid path", error.Reason, StringComparison.Ordinal);
        Assert.Contains("invalid path", Hocon.FailsQuickly(() => Sample.GetInt("a = b")).Reason, StringComparison.Ordinal);
    }
}
