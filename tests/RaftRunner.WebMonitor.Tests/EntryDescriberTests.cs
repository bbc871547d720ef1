using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;

namespace RaftRunner.WebMonitor.Tests;

public sealed class EntryDescriberTests
{
    private static readonly RequestId Id = RequestId.New(new DateTimeOffset(2026, 5, 4, 3, 2, 1, TimeSpan.Zero));

    private static EntryView Describe(LogEntryType type, ReadOnlySpan<byte> data) => EntryDescriber.Describe(42, LogEntry.Create(Id, type, 7, data));

    [Fact]
    public void A_set_shows_key_and_value()
    {
        var view = Describe(LogEntryType.State, KeyValueCommands.Set("colour", "blue"));
        Assert.Equal((42L, 7L, "state", "set", "colour", "blue", false), (view.Index, view.Term, view.Type, view.Op, view.Key, view.Value, view.Truncated));
        Assert.Equal(Id.ToString(), view.RequestId);
        Assert.Equal("2026-05-04T03:02:01Z", view.Time);
        Assert.Null(view.Summary);
    }

    [Fact]
    public void A_binary_value_is_text_when_it_is_utf8_else_hex()
    {
        Assert.Equal("héllo", Describe(LogEntryType.State, KeyValueCommands.Set("k", "héllo"u8)).Value);
        Assert.Equal("0xff00fe", Describe(LogEntryType.State, KeyValueCommands.Set("k", [0xFF, 0x00, 0xFE])).Value);
    }

    [Fact]
    public void A_long_value_is_cut()
    {
        var view = Describe(LogEntryType.State, KeyValueCommands.Set("k", new string('x', 500)));
        Assert.True(view.Truncated);
        Assert.Equal(EntryDescriber.MaxValueLength, view.Value!.Length);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var text = new string('a', EntryDescriber.MaxValueLength - 1) + "🐉🐉";
        var view = Describe(LogEntryType.State, KeyValueCommands.Set("k", text));
        Assert.True(view.Truncated);
        Assert.False(char.IsHighSurrogate(view.Value![^1]));
    }

    [Fact]
    public void A_delete_shows_its_key()
    {
        var view = Describe(LogEntryType.State, KeyValueCommands.Delete("gone"));
        Assert.Equal(("del", "gone", (string?)null), (view.Op, view.Key, view.Value));
    }

    [Fact]
    public void Other_state_data_is_shown_by_size()
    {
        var view = Describe(LogEntryType.State, "deposit alice 10"u8);
        Assert.Null(view.Op);
        Assert.Equal(16, view.Size);
        Assert.Equal("16 bytes", view.Summary);
    }

    [Fact]
    public void A_config_entry_lists_its_peers_and_a_checkpoint_is_named()
    {
        var config = ConfigEntryData.Final([new PeerInfo("n1", "tcp://127.0.0.1:1"), new PeerInfo("n2", "tcp://127.0.0.1:2")]).Encode();
        var view = Describe(LogEntryType.Config, config);
        Assert.Equal("config", view.Type);
        Assert.Contains("n1=tcp://127.0.0.1:1", view.Summary, StringComparison.Ordinal);

        var checkpoint = EntryDescriber.Describe(3, LogEntry.Checkpoint(9));
        Assert.Equal(("checkpoint", 9L, (string?)null), (checkpoint.Type, checkpoint.Term, checkpoint.Time));
    }
}

public sealed class WebUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8042", true)]
    [InlineData("https://monitor.example:443/", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("tcp://127.0.0.1:8041", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_http_urls_are_taken_as_a_peers_monitor(string? url, bool taken) => Assert.Equal(taken, WebUrlProbe.IsWebUrl(url));
}
