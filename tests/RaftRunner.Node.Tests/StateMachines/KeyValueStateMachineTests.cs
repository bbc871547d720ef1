using System.Text;
using RaftRunner.Node.StateMachines;
using RaftRunner.Node.Tests.Snapshots;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Node.Tests.StateMachines;

public sealed class KeyValueStateMachineTests
{
    private static LogEntry State(byte[] data) => LogEntry.Create(RequestId.New(), LogEntryType.State, 1, data);

    private static async Task Apply(KeyValueStateMachine kv, params byte[][] commands)
    {
        foreach (var command in commands)
            await kv.ApplyAsync(State(command), CancellationToken.None);
    }

    private static async Task<byte[]> Query(KeyValueStateMachine kv, byte[] query) => (await kv.QueryAsync(query, CancellationToken.None)).ToArray();

    private static async Task<byte[]> Snapshot(KeyValueStateMachine kv)
    {
        using var stream = new MemoryStream();
        await kv.WriteSnapshotAsync(stream, CancellationToken.None);
        return stream.ToArray();
    }

    [Fact]
    public async Task Set_del_get_count_and_keys()
    {
        var kv = new KeyValueStateMachine();
        await Apply(kv, KeyValueCommands.Set("b", [1, 2, 3]), KeyValueCommands.Set("a", "text"), KeyValueCommands.Set("c", "x"),
            KeyValueCommands.Delete("c"), KeyValueCommands.Delete("never-there"), KeyValueCommands.Set("b", [9]));

        Assert.Equal([9], KeyValueCommands.ReadValue(await Query(kv, KeyValueCommands.Get("b"))));
        Assert.Equal("text"u8.ToArray(), KeyValueCommands.ReadValue(await Query(kv, KeyValueCommands.Get("a"))));
        Assert.Null(KeyValueCommands.ReadValue(await Query(kv, KeyValueCommands.Get("c"))));
        Assert.Equal(2, KeyValueCommands.ReadCount(await Query(kv, KeyValueCommands.Count())));
        Assert.Equal(["a", "b"], KeyValueCommands.ReadKeys(await Query(kv, KeyValueCommands.Keys())));
        Assert.Equal(2, kv.Count);
        Assert.True(kv.TryGet("a", out var a));
        Assert.Equal("text", Encoding.UTF8.GetString(a.Span));
        Assert.False(kv.TryGet("c", out _));
        Assert.Equal(0, kv.IgnoredEntries);
    }

    [Fact]
    public async Task A_get_answers_the_value_in_the_kind_it_was_set()
    {
        var kv = new KeyValueStateMachine();
        await Apply(kv, KeyValueCommands.Set("s", "hello"), KeyValueCommands.Set("b", "hello"u8));
        Assert.Equal(MessagePackValue.From("hello"), MessagePackCodec.Decode(await Query(kv, KeyValueCommands.Get("s"))));
        Assert.Equal(MessagePackKind.Binary, MessagePackCodec.Decode(await Query(kv, KeyValueCommands.Get("b"))).Kind);
        Assert.True(MessagePackCodec.Decode(await Query(kv, KeyValueCommands.Get("none"))).IsNil);
    }

    [Fact]
    public async Task Commands_are_what_a_msgpack_lite_client_writes()
    {
        var command = MessagePackCodec.Decode(KeyValueCommands.Set("k", "v"));
        Assert.Equal("set", command.GetProperty("op").AsString());
        Assert.Equal("k", command.GetProperty("key").AsString());
        Assert.Equal("v", command.GetProperty("value").AsString());

        // A client's own encoding, with the fields in another order and a non-minimal string form, works the same.
        var kv = new KeyValueStateMachine();
        byte[] handMade = [0x83, 0xa5, .. "value"u8, 0xd9, 0x01, (byte)'v', 0xa3, .. "key"u8, 0xa1, (byte)'k', 0xa2, .. "op"u8, 0xa3, .. "set"u8];
        await Apply(kv, handMade);
        Assert.Equal("v"u8.ToArray(), KeyValueCommands.ReadValue(await Query(kv, KeyValueCommands.Get("k"))));
    }

    [Fact]
    public async Task Entry_data_that_is_not_a_command_is_ignored_and_counted()
    {
        var kv = new KeyValueStateMachine();
        await Apply(kv, KeyValueCommands.Set("keep", "1"));
        byte[] Map(params (string Key, MessagePackValue Value)[] fields) =>
            MessagePackCodec.Encode(MessagePackValue.Map(fields.Select(f => new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From(f.Key), f.Value))));
        byte[][] garbage =
        [
            [],
            [0xc1],
            "not msgpack at all"u8.ToArray(),
            [.. KeyValueCommands.Set("keep", "2"), 0x00], // trailing bytes
            MessagePackCodec.Encode(MessagePackValue.From(42L)),
            MessagePackCodec.Encode(MessagePackValue.Array(MessagePackValue.From("set"))),
            Map(("key", MessagePackValue.From("keep"))),
            Map(("op", MessagePackValue.From(1L)), ("key", MessagePackValue.From("keep"))),
            Map(("op", MessagePackValue.From("put")), ("key", MessagePackValue.From("keep")), ("value", MessagePackValue.From("x"))),
            Map(("op", MessagePackValue.From("set")), ("key", MessagePackValue.From("keep"))),
            Map(("op", MessagePackValue.From("set")), ("key", MessagePackValue.From("keep")), ("value", MessagePackValue.From(5L))),
            Map(("op", MessagePackValue.From("set")), ("key", MessagePackValue.FromBinary("keep"u8.ToArray())), ("value", MessagePackValue.From("x"))),
            Map(("op", MessagePackValue.From("del"))),
            Map(("op", MessagePackValue.From("get")), ("key", MessagePackValue.From("keep"))),
        ];
        var before = await Snapshot(kv);
        await Apply(kv, garbage);
        Assert.Equal(garbage.Length, kv.IgnoredEntries);
        Assert.Equal(before, await Snapshot(kv));
        await kv.ApplyAsync(LogEntry.Checkpoint(3), CancellationToken.None); // not a STATE entry: not even counted
        Assert.Equal(garbage.Length, kv.IgnoredEntries);
    }

    [Fact]
    public async Task A_bad_query_throws_with_a_clear_message()
    {
        var kv = new KeyValueStateMachine();
        Assert.Contains("not MessagePack", (await Assert.ThrowsAsync<InvalidDataException>(() => Query(kv, [0xc1]))).Message, StringComparison.Ordinal);
        Assert.Contains("\"nope\" is not a query", (await Assert.ThrowsAsync<InvalidDataException>(() => Query(kv, MessagePackCodec.Encode(MessagePackValue.Map(
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("op"), MessagePackValue.From("nope"))))))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDataException>(() => Query(kv, MessagePackCodec.Encode(MessagePackValue.Map(
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("op"), MessagePackValue.From("get"))))));
    }

    [Fact]
    public async Task Keys_answers_at_most_ten_thousand_in_ordinal_order()
    {
        var kv = new KeyValueStateMachine();
        for (var i = 10_049; i >= 0; i--)
            await Apply(kv, KeyValueCommands.Set($"k{i:D5}", "v"));
        var keys = KeyValueCommands.ReadKeys(await Query(kv, KeyValueCommands.Keys()));
        Assert.Equal(KeyValueStateMachine.MaxKeysReturned, keys.Count);
        Assert.Equal("k00000", keys[0]);
        Assert.Equal("k09999", keys[^1]);
        Assert.Equal(10_050, KeyValueCommands.ReadCount(await Query(kv, KeyValueCommands.Count())));
    }

    [Fact]
    public async Task A_snapshot_restores_into_a_fresh_machine_identically()
    {
        var kv = new KeyValueStateMachine();
        var big = new byte[200_000];
        new ByteGenerator().Fill(big);
        var longKey = new string('k', 70_000);
        await Apply(kv, KeyValueCommands.Set("a", "1"), KeyValueCommands.Set("ü-ключ", "значение"), KeyValueCommands.Set("big", big),
            KeyValueCommands.Set(longKey, [1]), KeyValueCommands.Set("", "empty key"), KeyValueCommands.Set("bin255", new byte[255]));
        for (var i = 0; i < 300; i++)
            await Apply(kv, KeyValueCommands.Set($"n{i}", [(byte)i]));
        var snapshot = await Snapshot(kv);

        var restored = new KeyValueStateMachine();
        await restored.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None);
        Assert.Equal(snapshot, await Snapshot(restored));
        Assert.Equal(kv.Count, restored.Count);
        Assert.Equal(big, KeyValueCommands.ReadValue(await Query(restored, KeyValueCommands.Get("big"))));
        Assert.Equal("значение"u8.ToArray(), KeyValueCommands.ReadValue(await Query(restored, KeyValueCommands.Get("ü-ключ"))));
        Assert.Equal(await Query(kv, KeyValueCommands.Keys()), await Query(restored, KeyValueCommands.Keys()));

        // From a forward-only stream that returns a few bytes at a time, too.
        var again = new KeyValueStateMachine();
        await again.RestoreSnapshotAsync(new ForwardOnlyStream(new MemoryStream(snapshot)), CancellationToken.None);
        Assert.Equal(snapshot, await Snapshot(again));
    }

    [Fact]
    public async Task The_snapshot_is_a_sorted_msgpack_map_and_the_same_for_the_same_state()
    {
        var one = new KeyValueStateMachine();
        var two = new KeyValueStateMachine();
        await Apply(one, KeyValueCommands.Set("b", "2"), KeyValueCommands.Set("a", [1]), KeyValueCommands.Set("c", "3"), KeyValueCommands.Delete("c"));
        await Apply(two, KeyValueCommands.Set("a", [1]), KeyValueCommands.Set("b", "2"));
        var bytes = await Snapshot(one);
        Assert.Equal(bytes, await Snapshot(two));
        var map = MessagePackCodec.Decode(bytes).AsMap();
        Assert.Equal(["a", "b"], map.Select(e => e.Key.AsString()));
        Assert.Equal(MessagePackValue.From("2"), map[1].Value);
    }

    [Fact]
    public async Task An_empty_stream_is_the_empty_state()
    {
        var kv = new KeyValueStateMachine();
        await Apply(kv, KeyValueCommands.Set("a", "1"));
        await kv.RestoreSnapshotAsync(new MemoryStream(), CancellationToken.None);
        Assert.Equal(0, kv.Count);
        Assert.Equal([0x80], await Snapshot(kv));
    }

    [Fact]
    public async Task A_corrupt_snapshot_is_refused_and_the_old_state_kept()
    {
        var kv = new KeyValueStateMachine();
        await Apply(kv, KeyValueCommands.Set("a", "1"), KeyValueCommands.Set("b", "2"));
        var good = await Snapshot(kv);
        byte[][] corrupt =
        [
            [0xc0],                                  // not a map
            good[..^1],                              // truncated
            [.. good, 0xc0],                         // trailing bytes
            [0x81, 0x01, 0xa1, (byte)'x'],           // an integer key
            [0x81, 0xa1, (byte)'x', 0x05],           // an integer value
            [0x82, 0xa1, (byte)'x', 0xa0, 0xa1, (byte)'x', 0xa0], // a key twice
            [0x81, 0xa1, (byte)'x', 0xc6, 0x7f, 0xff, 0xff, 0xff], // a 2 GB value in a few bytes
        ];
        foreach (var bytes in corrupt)
        {
            var other = new KeyValueStateMachine();
            await Apply(other, KeyValueCommands.Set("a", "1"), KeyValueCommands.Set("b", "2"));
            var e = await Assert.ThrowsAsync<InvalidDataException>(() => other.RestoreSnapshotAsync(new MemoryStream(bytes), CancellationToken.None).AsTask());
            Assert.StartsWith("not a key-value snapshot at offset", e.Message, StringComparison.Ordinal);
            Assert.Equal(good, await Snapshot(other));
            // A forward-only stream cannot tell its length: the 2 GB claim must still not allocate 2 GB up front.
            await Assert.ThrowsAsync<InvalidDataException>(() => other.RestoreSnapshotAsync(new ForwardOnlyStream(new MemoryStream(bytes)), CancellationToken.None).AsTask());
        }
    }
}
