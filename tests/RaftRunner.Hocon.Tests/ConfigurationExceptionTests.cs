namespace RaftRunner.Hocon.Tests;

public class ConfigurationExceptionTests
{
    [Fact]
    public void Parse_error_message_is_file_line_column_then_reason()
    {
        var lines = string.Concat(Enumerable.Repeat("a = 1\n", 11)) + "    b = \"open";
        var error = Hocon.FailsQuickly(() => HoconConfig.Parse(lines, "hocon/node1.conf", Hocon.Options()));
        Assert.StartsWith("hocon/node1.conf:12:9: unclosed string", error.Message, StringComparison.Ordinal);
        Assert.Equal("hocon/node1.conf", error.FileName);
        Assert.Equal(12, error.Line);
        Assert.Equal(9, error.Column);
        Assert.Null(error.ConfigPath);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Read_error_message_names_the_path_then_the_location()
    {
        var config = HoconConfig.Parse("raft {\n  port = abc\n}", "hocon/node1.conf", Hocon.Options());
        var error = Hocon.FailsQuickly(() => config.GetInt("raft.port"));
        Assert.Equal("reading 'raft.port': expected an integer but found string \"abc\" (hocon/node1.conf:2:10)", error.Message);
        Assert.Equal("raft.port", error.ConfigPath);
        Assert.Equal("expected an integer but found string \"abc\"", error.Reason);
    }

    [Fact]
    public void Errors_without_a_file_name_still_give_line_and_column()
    {
        var error = Hocon.FailsQuickly(() => HoconConfig.Parse("a = [", null, Hocon.Options()));
        Assert.Equal("line 1, column 5: unclosed '[': expected ']' before the end of the input", error.Message);
        Assert.Null(error.FileName);
    }

    [Fact]
    public void Public_constructors_leave_the_location_unknown()
    {
        var error = new ConfigurationException("custom problem");
        Assert.Equal("custom problem", error.Message);
        Assert.Equal("custom problem", error.Reason);
        Assert.Equal(0, error.Line);
        Assert.Equal(0, error.Column);
        Assert.Null(error.FileName);
        Assert.Null(error.ConfigPath);
        var inner = new InvalidOperationException("inner");
        Assert.Same(inner, new ConfigurationException("wrapped", inner).InnerException);
        Assert.False(string.IsNullOrEmpty(new ConfigurationException().Message), "expected a default message");
    }

    [Fact]
    public void Long_strings_are_shortened_in_messages()
    {
        var config = Hocon.Parse("a = \"" + new string('x', 500) + "\"");
        var error = Hocon.FailsQuickly(() => config.GetInt("a"));
        Assert.True(error.Message.Length < 200, $"expected a short one-line message but got {error.Message.Length} characters");
        Assert.Contains("...", error.Message, StringComparison.Ordinal);
    }
}
