using RaftRunner.Node.Applying;
using RaftRunner.Node.Snapshots;
using RaftRunner.Protocol;

namespace RaftRunner.Node.Tests.Applying;

public sealed class AppliedStateTests
{
    private static readonly ConfigEntryData One = ConfigEntryData.Final([new PeerInfo("a", "tcp://a:1")]);
    private static readonly ConfigEntryData Two = ConfigEntryData.Transitional([new PeerInfo("a", "tcp://a:1")], [new PeerInfo("a", "tcp://a:1"), new PeerInfo("b", "tcp://b:1")]);

    [Fact]
    public void The_last_config_entry_is_the_configuration_in_force()
    {
        var state = new AppliedState(10);
        Assert.Null(state.Applied(1, LogEntry.Create(RequestId.Zero, LogEntryType.Config, 1, One.Encode())));
        Assert.Null(state.Applied(2, LogEntry.Create(RequestId.New(), LogEntryType.State, 1, [1])));
        Assert.Null(state.Applied(3, LogEntry.Create(RequestId.New(), LogEntryType.Config, 2, Two.Encode())));
        Assert.Equal((Two, 3L, 3L, 2UL), (state.Configuration, state.ConfigurationIndex, state.LastApplied, state.LastTerm));

        // A CONFIG entry that is not a configuration makes it unknown, not the previous one.
        Assert.NotNull(state.Applied(4, LogEntry.Create(RequestId.New(), LogEntryType.Config, 2, [0xc1])));
        Assert.Null(state.Configuration);
        Assert.Equal(4, state.ConfigurationIndex);
    }

    [Fact]
    public void Request_ids_of_every_entry_but_checkpoints_are_kept_newest_last_and_bounded()
    {
        var state = new AppliedState(3);
        var ids = Enumerable.Range(0, 5).Select(_ => RequestId.New()).ToArray();
        state.Applied(1, LogEntry.Create(ids[0], LogEntryType.State, 1, [1]));
        state.Applied(2, LogEntry.Create(ids[1], LogEntryType.Config, 1, One.Encode()));
        state.Applied(3, LogEntry.Create(ids[2], LogEntryType.Checkpoint, 1, LogEntry.CheckpointData.Span));
        state.Applied(4, LogEntry.Create(RequestId.Zero, LogEntryType.State, 1, [1]));
        state.Applied(5, LogEntry.Create(ids[3], LogEntryType.State, 1, [1]));
        state.Applied(6, LogEntry.Create(ids[4], LogEntryType.State, 1, [1]));
        Assert.Equal([(ids[1], 2L), (ids[3], 5L), (ids[4], 6L)], state.ToEnvelope().RequestIds);
    }

    [Fact]
    public void A_restore_replaces_everything_and_clears_a_required_restore()
    {
        var state = new AppliedState(2);
        state.Applied(1, LogEntry.Create(RequestId.New(), LogEntryType.Config, 1, One.Encode()));
        state.RequireRestore("test");
        Assert.Null(state.Refuse(5)?.ExpectedFirstIndex);

        var ids = new[] { (RequestId.New(), 7L), (RequestId.New(), 8L), (RequestId.New(), 9L) };
        state.Restored(10, 4, new SnapshotEnvelope(Two, 6, ids));
        Assert.Null(state.RestoreRequired);
        Assert.Equal(new SnapshotEnvelope(Two, 6, ids[1..]), state.ToEnvelope());
        Assert.Null(state.Refuse(11));
        Assert.Equal(11, state.Refuse(10)!.ExpectedFirstIndex);

        state.Restored(12, 5, null); // foreign: nothing known
        Assert.Equal(SnapshotEnvelope.Empty, state.ToEnvelope());
        Assert.Equal((12L, 5UL), (state.LastApplied, state.LastTerm));
    }
}
