using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Persistence;
using RaftRunner.Storage.Tests.Snapshots;
using static RaftRunner.Storage.Tests.Persistence.FilePersistenceTests;

namespace RaftRunner.Storage.Tests.Persistence;

public sealed class BroadcastStateTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string StateFile => _dir.File(BroadcastState.DefaultFileName);

    [Fact]
    public void LastApplied_defaults_to_the_initial_value_and_is_stored_as_zmq_raft_does()
    {
        using (var state = BroadcastState.Open(StateFile))
        {
            Assert.Equal(0UL, state.LastApplied);
            state.UpdateLastApplied(1);
            state.UpdateLastApplied(2_147_483_648);
            Assert.Equal(2_147_483_648UL, state.LastApplied);
        }
        Assert.Equal(
            [.. Map(Kv("lastApplied", 1)), .. Map(Kv("lastApplied", MessagePackValue.From(2_147_483_648UL)))],
            File.ReadAllBytes(StateFile));
        using var reopened = BroadcastState.Open(StateFile, initialLastApplied: 5);
        Assert.Equal(2_147_483_648UL, reopened.LastApplied);
        using var other = BroadcastState.Open(_dir.File("other.pers"), initialLastApplied: 5);
        Assert.Equal(5UL, other.LastApplied);
    }

    [Fact]
    public void A_failed_write_is_not_acknowledged()
    {
        var io = new FaultyIo();
        using var state = BroadcastState.Open(StateFile, 0, null, io);
        state.UpdateLastApplied(3);
        io.FailNextSync = true;
        Assert.Throws<StorageException>(() => state.UpdateLastApplied(4));
        Assert.Equal(3UL, state.LastApplied);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.UpdateLastApplied(1UL << 53));
    }

    [Fact]
    public void A_lastApplied_that_is_not_a_safe_integer_is_a_storage_error()
    {
        File.WriteAllBytes(StateFile, [.. Map(Kv("lastApplied", 1)), .. Map(Kv("lastApplied", "x"))]);
        var e = Assert.Throws<StorageException>(() => BroadcastState.Open(StateFile));
        Assert.Equal(StateFile, e.FilePath);
        Assert.Equal(Map(Kv("lastApplied", 1)).Length, e.Offset);
    }
}
