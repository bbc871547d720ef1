using System.Buffers.Binary;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Node.Snapshots;

/// <summary>Writes the envelope that starts RaftRunner's snapshot data (layout: <see cref="SnapshotEnvelope"/>); the state machine's bytes follow it.</summary>
public static class SnapshotEnvelopeWriter
{
    internal const string ConfigKey = "config";
    internal const string ConfigIndexKey = "configIndex";
    internal const string RequestIdsKey = "requestIds";

    /// <summary>
    /// The envelope's bytes: magic, header length, header. Only the last <paramref name="maxRequestIds"/> request
    /// ids are kept. Equal envelopes give equal bytes.
    /// </summary>
    public static byte[] Encode(SnapshotEnvelope envelope, int maxRequestIds = SnapshotEnvelope.DefaultMaxRequestIds)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRequestIds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRequestIds, SnapshotEnvelope.MaxRequestIdsLimit);

        var ids = envelope.RequestIds;
        var skip = Math.Max(0, ids.Count - maxRequestIds);
        var records = new byte[(ids.Count - skip) * SnapshotEnvelope.RequestIdRecordSize];
        for (var i = skip; i < ids.Count; i++)
        {
            var record = records.AsSpan((i - skip) * SnapshotEnvelope.RequestIdRecordSize, SnapshotEnvelope.RequestIdRecordSize);
            ids[i].Id.WriteTo(record);
            BinaryPrimitives.WriteInt64BigEndian(record[Protocol.RequestId.Length..], ids[i].Index);
        }
        var header = MessagePackCodec.Encode(MessagePackValue.Map(
            Field(ConfigKey, envelope.Configuration is { } config ? MessagePackCodec.Decode(config.Encode()) : MessagePackValue.Nil),
            Field(ConfigIndexKey, envelope.ConfigurationIndex is { } index ? MessagePackValue.From(index) : MessagePackValue.Nil),
            Field(RequestIdsKey, MessagePackValue.FromBinary(records))));
        if (header.Length > SnapshotEnvelope.MaxHeaderLength)
            throw new ArgumentException($"the envelope header would take {header.Length} bytes, more than {SnapshotEnvelope.MaxHeaderLength}", nameof(envelope));

        var bytes = new byte[SnapshotEnvelope.PrefixLength + header.Length];
        SnapshotEnvelope.Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(SnapshotEnvelope.MagicLength), (uint)header.Length);
        header.CopyTo(bytes, SnapshotEnvelope.PrefixLength);
        return bytes;
    }

    /// <summary>Writes <see cref="Encode"/>'s bytes to <paramref name="destination"/>; the state machine's bytes go after them.</summary>
    public static async ValueTask WriteAsync(Stream destination, SnapshotEnvelope envelope, int maxRequestIds = SnapshotEnvelope.DefaultMaxRequestIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await destination.WriteAsync(Encode(envelope, maxRequestIds), ct).ConfigureAwait(false);
    }

    private static KeyValuePair<MessagePackValue, MessagePackValue> Field(string name, MessagePackValue value) => new(MessagePackValue.From(name), value);
}
