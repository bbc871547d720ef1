using System.Buffers.Binary;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Node.Snapshots;

/// <summary>
/// Reads the envelope at the start of a snapshot's data (layout: <see cref="SnapshotEnvelope"/>). Only the envelope
/// is read into memory (its header is at most <see cref="SnapshotEnvelope.MaxHeaderLength"/>); the state machine's
/// bytes are left in the stream for the state machine to read as it goes, however large the snapshot is.
/// </summary>
public static class SnapshotEnvelopeReader
{
    /// <summary>
    /// Reads the envelope from the current position of <paramref name="data"/>. Data without the magic is foreign
    /// (the result has no envelope and its state is all the data); data with the magic and a malformed envelope is a
    /// <see cref="SnapshotEnvelopeException"/>. I/O errors of <paramref name="data"/> pass through.
    /// </summary>
    public static async ValueTask<SnapshotEnvelopeReadResult> ReadAsync(Stream data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.CanRead)
            throw new ArgumentException("the snapshot data stream cannot be read", nameof(data));
        var start = data.CanSeek ? data.Position : -1;
        var available = data.CanSeek ? data.Length - start : (long?)null;

        var prefix = new byte[SnapshotEnvelope.PrefixLength];
        var got = await ReadUpToAsync(data, prefix.AsMemory(0, SnapshotEnvelope.MagicLength), ct).ConfigureAwait(false);
        if (got < SnapshotEnvelope.MagicLength || !prefix.AsSpan(0, SnapshotEnvelope.MagicFamily.Length).SequenceEqual(SnapshotEnvelope.MagicFamily))
        {
            if (start >= 0)
            {
                data.Position = start;
                return new(null, new SnapshotStateStream(data, start), 0);
            }
            return new(null, new SnapshotStateStream(data, prefix[..got]), 0);
        }
        got += await ReadUpToAsync(data, prefix.AsMemory(SnapshotEnvelope.MagicLength, 4), ct).ConfigureAwait(false);
        var length = CheckPrefix(prefix.AsSpan(0, got), available);
        var header = new byte[length];
        got = await ReadUpToAsync(data, header, ct).ConfigureAwait(false);
        if (got < length)
            throw new SnapshotEnvelopeException(SnapshotEnvelope.PrefixLength + got, $"the data ends inside the {length}-byte header");
        var envelope = Decode(header);
        var stateOffset = SnapshotEnvelope.PrefixLength + (long)length;
        return new(envelope, start >= 0 ? new SnapshotStateStream(data, start + stateOffset) : new SnapshotStateStream(data, []), stateOffset);
    }

    /// <summary>Reads the envelope of an installed snapshot file; the result's state stream reads from <paramref name="snapshot"/>, so keep it open meanwhile.</summary>
    public static ValueTask<SnapshotEnvelopeReadResult> ReadAsync(SnapshotFile snapshot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return ReadAsync(snapshot.OpenDataStream(), ct);
    }

    /// <summary>
    /// Reads only the envelope of an installed snapshot file, synchronously: null when the snapshot is foreign,
    /// a <see cref="SnapshotEnvelopeException"/> when the envelope is corrupt. The state bytes are not read.
    /// </summary>
    public static SnapshotEnvelope? ReadEnvelope(SnapshotFile snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Span<byte> prefix = stackalloc byte[SnapshotEnvelope.PrefixLength];
        var got = snapshot.ReadChunk(0, prefix);
        if (got < SnapshotEnvelope.MagicLength || !prefix[..SnapshotEnvelope.MagicFamily.Length].SequenceEqual(SnapshotEnvelope.MagicFamily))
            return null;
        var length = CheckPrefix(prefix[..got], snapshot.DataSize);
        var header = new byte[length];
        got = snapshot.ReadChunk(SnapshotEnvelope.PrefixLength, header);
        if (got < length)
            throw new SnapshotEnvelopeException(SnapshotEnvelope.PrefixLength + got, $"the data ends inside the {length}-byte header");
        return Decode(header);
    }

    /// <summary>Decodes a header (the MessagePack map after the magic and length).</summary>
    internal static SnapshotEnvelope Decode(ReadOnlySpan<byte> header)
    {
        const long at = SnapshotEnvelope.PrefixLength;
        if (!MessagePackCodec.TryDecodeExact(header, out var map, out var error))
            throw new SnapshotEnvelopeException(at, $"the header is not MessagePack: {error}");
        if (map.Kind != MessagePackKind.Map)
            throw new SnapshotEnvelopeException(at, $"the header is {map.Kind}, not a map");

        ConfigEntryData? config = null;
        if (map.TryGetProperty(SnapshotEnvelopeWriter.ConfigKey, out var configValue) && !configValue.IsNil)
        {
            if (!ConfigEntryData.TryDecode(MessagePackCodec.Encode(configValue), out var decoded, out var configError))
                throw new SnapshotEnvelopeException(at, $"\"{SnapshotEnvelopeWriter.ConfigKey}\" is not a configuration: {configError}");
            config = decoded;
        }

        long? configIndex = null;
        if (map.TryGetProperty(SnapshotEnvelopeWriter.ConfigIndexKey, out var indexValue) && !indexValue.IsNil)
        {
            if (!indexValue.TryGetInt64(out var index) || index < 1)
                throw new SnapshotEnvelopeException(at, $"\"{SnapshotEnvelopeWriter.ConfigIndexKey}\" is {indexValue.ToString(40)}, not a log index");
            configIndex = index;
        }

        var ids = new List<(RequestId, long)>();
        if (map.TryGetProperty(SnapshotEnvelopeWriter.RequestIdsKey, out var idsValue) && !idsValue.IsNil)
        {
            if (!idsValue.TryGetBinary(out var records))
                throw new SnapshotEnvelopeException(at, $"\"{SnapshotEnvelopeWriter.RequestIdsKey}\" is {idsValue.Kind}, not a binary");
            if (records.Length % SnapshotEnvelope.RequestIdRecordSize != 0)
                throw new SnapshotEnvelopeException(at, $"\"{SnapshotEnvelopeWriter.RequestIdsKey}\" holds {records.Length} bytes, not a whole number of {SnapshotEnvelope.RequestIdRecordSize}-byte records");
            ids.Capacity = records.Length / SnapshotEnvelope.RequestIdRecordSize;
            for (var offset = 0; offset < records.Length; offset += SnapshotEnvelope.RequestIdRecordSize)
            {
                var record = records.Span.Slice(offset, SnapshotEnvelope.RequestIdRecordSize);
                var index = BinaryPrimitives.ReadInt64BigEndian(record[RequestId.Length..]);
                if (index < 1)
                    throw new SnapshotEnvelopeException(at, $"request id record {offset / SnapshotEnvelope.RequestIdRecordSize} has the log index {index}");
                ids.Add((RequestId.FromBytes(record[..RequestId.Length]), index));
            }
        }
        return new SnapshotEnvelope(config, configIndex, ids);
    }

    /// <summary>Checks the magic's version and the header length of an envelope's first bytes (the magic family already matched); returns the header length.</summary>
    private static uint CheckPrefix(ReadOnlySpan<byte> prefix, long? dataSize)
    {
        if (!prefix[..SnapshotEnvelope.MagicLength].SequenceEqual(SnapshotEnvelope.Magic))
        {
            var version = System.Text.Encoding.ASCII.GetString(prefix[SnapshotEnvelope.MagicFamily.Length..SnapshotEnvelope.MagicLength]);
            throw new SnapshotEnvelopeException(SnapshotEnvelope.MagicFamily.Length, $"envelope version \"{version}\" is not one this node reads (01); was it written by a newer RaftRunner?");
        }
        if (prefix.Length < SnapshotEnvelope.PrefixLength)
            throw new SnapshotEnvelopeException(SnapshotEnvelope.MagicLength, "the data ends inside the header length");
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[SnapshotEnvelope.MagicLength..]);
        if (length > SnapshotEnvelope.MaxHeaderLength)
            throw new SnapshotEnvelopeException(SnapshotEnvelope.MagicLength, $"the header length {length} is above the limit of {SnapshotEnvelope.MaxHeaderLength} bytes");
        if (dataSize is { } size && SnapshotEnvelope.PrefixLength + length > size)
            throw new SnapshotEnvelopeException(SnapshotEnvelope.MagicLength, $"the header length {length} runs past the end of the data ({size} bytes)");
        return length;
    }

    private static async ValueTask<int> ReadUpToAsync(Stream data, Memory<byte> buffer, CancellationToken ct)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var read = await data.ReadAsync(buffer[done..], ct).ConfigureAwait(false);
            if (read == 0)
                break;
            done += read;
        }
        return done;
    }
}
