using System.Buffers.Binary;
using RaftRunner.Node.Snapshots;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Node.Tests.Snapshots;

public sealed class SnapshotEnvelopeTests
{
    internal static readonly ConfigEntryData Joint = ConfigEntryData.Transitional(
        [new PeerInfo("a", "tcp://127.0.0.1:8041"), new PeerInfo("b", "tcp://127.0.0.1:8051")],
        [new PeerInfo("a", "tcp://127.0.0.1:8041"), new PeerInfo("c", "tcp://127.0.0.1:8061")]);

    private static readonly (RequestId, long)[] Ids = [(RequestId.New(), 3), (RequestId.New(), 5), (RequestId.New(), 8)];

    private static async Task<byte[]> ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task An_envelope_round_trips_with_configuration_and_request_ids()
    {
        foreach (var config in new[] { Joint, ConfigEntryData.Final([new PeerInfo("solo", "tcp://10.0.0.1:1")]) })
        {
            var envelope = new SnapshotEnvelope(config, 7, Ids);
            byte[] state = [1, 2, 3, 0x52, 0x52]; // any bytes, even ones that look like a magic
            var data = new MemoryStream([.. SnapshotEnvelopeWriter.Encode(envelope), .. state]);

            var read = await SnapshotEnvelopeReader.ReadAsync(data);
            Assert.False(read.IsForeign);
            Assert.Equal(envelope, read.Envelope);
            Assert.Equal(config, read.Envelope!.Configuration);
            Assert.Equal(7, read.Envelope.ConfigurationIndex);
            Assert.Equal(Ids, read.Envelope.RequestIds);
            Assert.Equal(state.Length, read.State.Length);
            Assert.Equal(state, await ReadAll(read.State));
            Assert.Equal(data.Length - state.Length, read.StateOffset);

            // The same through a forward-only stream that yields a few bytes a time.
            var forward = await SnapshotEnvelopeReader.ReadAsync(new ForwardOnlyStream(new MemoryStream(data.ToArray())));
            Assert.Equal(envelope, forward.Envelope);
            Assert.False(forward.State.CanSeek);
            Assert.Equal(state, await ReadAll(forward.State));
        }
    }

    [Fact]
    public void The_layout_is_magic_big_endian_length_and_a_msgpack_map()
    {
        var bytes = SnapshotEnvelopeWriter.Encode(new SnapshotEnvelope(Joint, 7, Ids));
        Assert.Equal("RRSNAP01"u8.ToArray(), bytes[..8]);
        var length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8));
        Assert.Equal(bytes.Length - 12, (int)length);
        var map = MessagePackCodec.Decode(bytes.AsSpan(12));
        Assert.Equal(["config", "configIndex", "requestIds"], map.AsMap().Select(e => e.Key.AsString()));
        Assert.Equal(MessagePackCodec.Decode(Joint.Encode()), map.GetProperty("config"));
        Assert.Equal(7, map.GetProperty("configIndex").AsInt64());
        var records = map.GetProperty("requestIds").AsBinary();
        Assert.Equal(3 * 20, records.Length);
        Assert.Equal(Ids[1].Item1, RequestId.FromBytes(records.Span.Slice(20, 12)));
        Assert.Equal(5, BinaryPrimitives.ReadInt64BigEndian(records.Span.Slice(32, 8)));

        // Deterministic: equal envelopes, equal bytes.
        Assert.Equal(bytes, SnapshotEnvelopeWriter.Encode(new SnapshotEnvelope(Joint, 7, [.. Ids])));
    }

    [Fact]
    public async Task An_envelope_without_configuration_or_ids_round_trips()
    {
        var read = await SnapshotEnvelopeReader.ReadAsync(new MemoryStream(SnapshotEnvelopeWriter.Encode(SnapshotEnvelope.Empty)));
        Assert.Equal(SnapshotEnvelope.Empty, read.Envelope);
        Assert.Null(read.Envelope!.Configuration);
        Assert.Null(read.Envelope.ConfigurationIndex);
        Assert.Equal(0, read.State.Length);
        Assert.Empty(await ReadAll(read.State));
    }

    [Fact]
    public async Task Only_the_newest_request_ids_are_kept()
    {
        var many = Enumerable.Range(1, 10).Select(i => (RequestId.New(), (long)i)).ToArray();
        var read = await SnapshotEnvelopeReader.ReadAsync(new MemoryStream(SnapshotEnvelopeWriter.Encode(new SnapshotEnvelope(null, null, many), maxRequestIds: 3)));
        Assert.Equal(many[^3..], read.Envelope!.RequestIds);
    }

    [Fact]
    public async Task Unknown_header_fields_are_ignored()
    {
        var header = MessagePackCodec.Encode(MessagePackValue.Map(
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("future"), MessagePackValue.Array(MessagePackValue.True)),
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("configIndex"), MessagePackValue.From(4L))));
        var read = await SnapshotEnvelopeReader.ReadAsync(new MemoryStream(Envelope(header, [9])));
        Assert.Equal(new SnapshotEnvelope(null, 4, []), read.Envelope);
        Assert.Equal([9], await ReadAll(read.State));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(100)]
    public async Task Data_without_the_magic_is_a_foreign_snapshot_and_all_state(int size)
    {
        var raw = new byte[size];
        new ByteGenerator().Fill(raw);
        if (size >= 6)
            "RRSNAP"u8[..Math.Min(5, size)].CopyTo(raw); // almost the magic is not the magic

        var read = await SnapshotEnvelopeReader.ReadAsync(new MemoryStream(raw));
        Assert.True(read.IsForeign);
        Assert.Null(read.Envelope);
        Assert.Equal(0, read.StateOffset);
        Assert.Equal(size, read.State.Length);
        Assert.Equal(raw, await ReadAll(read.State));

        var forward = await SnapshotEnvelopeReader.ReadAsync(new ForwardOnlyStream(new MemoryStream(raw)));
        Assert.True(forward.IsForeign);
        Assert.Equal(raw, await ReadAll(forward.State));
    }

    public static TheoryData<string, byte[], long> CorruptEnvelopes()
    {
        var good = MessagePackCodec.Encode(MessagePackValue.Map());
        KeyValuePair<MessagePackValue, MessagePackValue> F(string key, MessagePackValue value) => new(MessagePackValue.From(key), value);
        byte[] Map(params KeyValuePair<MessagePackValue, MessagePackValue>[] fields) => MessagePackCodec.Encode(MessagePackValue.Map(fields));
        return new()
        {
            { "envelope version \"02\"", [.. "RRSNAP02"u8, 0, 0, 0, 1, 0x80], 6 },
            { "ends inside the header length", [.. "RRSNAP01"u8, 0, 0], 8 },
            { "above the limit", [.. "RRSNAP01"u8, 0x7f, 0xff, 0xff, 0xff], 8 },
            { "runs past the end of the data", [.. "RRSNAP01"u8, 0, 0, 0, 9, 0x80], 8 },
            { "not MessagePack", Envelope([0xc1]), 12 },
            { "not a map", Envelope(MessagePackCodec.Encode(MessagePackValue.From(1L))), 12 },
            { "\"config\" is not a configuration", Envelope(Map(F("config", MessagePackValue.From("peers")))), 12 },
            { "\"configIndex\"", Envelope(Map(F("configIndex", MessagePackValue.From(0L)))), 12 },
            { "\"requestIds\" is String", Envelope(Map(F("requestIds", MessagePackValue.From("x")))), 12 },
            { "not a whole number of 20-byte records", Envelope(Map(F("requestIds", MessagePackValue.FromBinary(new byte[21])))), 12 },
            { "has the log index 0", Envelope(Map(F("requestIds", MessagePackValue.FromBinary(new byte[20])))), 12 },
            { "not MessagePack", Envelope([.. good, 0xc0]), 12 }, // bytes after the map, inside the header
        };
    }

    [Theory]
    [MemberData(nameof(CorruptEnvelopes))]
    public async Task A_corrupt_envelope_is_a_typed_error(string expected, byte[] data, long offset)
    {
        var e = await Assert.ThrowsAsync<SnapshotEnvelopeException>(() => SnapshotEnvelopeReader.ReadAsync(new MemoryStream(data)).AsTask());
        Assert.Equal(offset, e.Offset);
        Assert.StartsWith("corrupt snapshot envelope at data offset", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        // A forward-only stream cannot tell its length up front: the error comes when the data ends.
        await Assert.ThrowsAsync<SnapshotEnvelopeException>(() => SnapshotEnvelopeReader.ReadAsync(new ForwardOnlyStream(new MemoryStream(data))).AsTask());
    }

    [Fact]
    public async Task A_snapshot_file_is_read_through_its_data_stream_and_by_path()
    {
        using var dir = new ScratchDirectory();
        var path = dir.File("snap");
        var envelope = new SnapshotEnvelope(Joint, 11, Ids);
        using (var writer = SnapshotWriter.Create(path, 12, 3))
        {
            writer.Write(SnapshotEnvelopeWriter.Encode(envelope));
            writer.Write("state"u8);
            writer.Install().Dispose();
        }
        using (var snapshot = SnapshotFile.Open(path))
        {
            var read = await SnapshotEnvelopeReader.ReadAsync(snapshot);
            Assert.Equal(envelope, read.Envelope);
            Assert.Equal(5, read.State.Length);
            Assert.Equal("state"u8.ToArray(), await ReadAll(read.State));
            read.State.Position = 2;
            Assert.Equal("ate"u8.ToArray(), await ReadAll(read.State));
            Assert.Equal(envelope, SnapshotEnvelopeReader.ReadEnvelope(snapshot));
        }
        var contents = SnapshotEnvelope.ReadContents(path);
        Assert.NotNull(contents);
        Assert.Equal(Joint, contents.Configuration);
        Assert.Equal(Ids, contents.RequestIds);

        // The empty snapshot of a new log, and a zmq-raft one, are foreign.
        var empty = dir.File("empty");
        SnapshotFile.CreateEmpty(empty).Dispose();
        Assert.Null(SnapshotEnvelope.ReadContents(empty));
        using (var writer = SnapshotWriter.Create(dir.File("zmq"), 4, 1))
        {
            writer.Write("{\"some\":\"json state\"}"u8);
            writer.Install().Dispose();
        }
        Assert.Null(SnapshotEnvelope.ReadContents(dir.File("zmq")));

        // A corrupt envelope in a file is the same typed error.
        using (var writer = SnapshotWriter.Create(dir.File("bad"), 4, 1))
        {
            writer.Write(Envelope([0xc1]));
            writer.Install().Dispose();
        }
        Assert.Equal(12, Assert.Throws<SnapshotEnvelopeException>(() => SnapshotEnvelope.ReadContents(dir.File("bad"))).Offset);
    }

    [Fact]
    public async Task A_fifty_megabyte_state_streams_through_the_reader_without_being_buffered()
    {
        const long size = 50L << 20;
        var envelope = SnapshotEnvelopeWriter.Encode(new SnapshotEnvelope(Joint, 2, Ids));
        var source = new GeneratedStream(size, envelope);

        var read = await SnapshotEnvelopeReader.ReadAsync(source);
        Assert.Equal(envelope.Length, source.BytesRead); // the envelope and not one byte of state

        var expected = new ByteGenerator();
        var buffer = new byte[81_920];
        var check = new byte[buffer.Length];
        long total = 0;
        int n;
        while ((n = await read.State.ReadAsync(buffer)) > 0)
        {
            expected.Fill(check.AsSpan(0, n));
            Assert.True(buffer.AsSpan(0, n).SequenceEqual(check.AsSpan(0, n)), $"state differs near offset {total}");
            total += n;
        }
        Assert.Equal(size, total);
        Assert.True(source.LargestRead <= buffer.Length, $"the reader asked its source for {source.LargestRead} bytes at once");
    }

    internal static byte[] Envelope(byte[] header, params byte[] state)
    {
        var bytes = new byte[12 + header.Length + state.Length];
        "RRSNAP01"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), (uint)header.Length);
        header.CopyTo(bytes, 12);
        state.CopyTo(bytes, 12 + header.Length);
        return bytes;
    }
}
