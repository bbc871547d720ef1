using System.Globalization;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Storage.Log;

/// <summary>
/// The META segment of an index file: what zmq-raft 0.5.0 writes is exactly the msgpack-lite map
/// <c>{"created": new Date().toJSON(), "hostname": os.hostname()}</c> — ISO 8601 UTC with milliseconds, and the
/// full host name (not .NET's MachineName, which stops at the first dot). ACID.md's "software" key is not written.
/// </summary>
public sealed record IndexFileMeta(string? Created, string? Hostname)
{
    /// <summary>The META bytes for a file created now on this host.</summary>
    public static byte[] Encode(DateTimeOffset created, string hostname) =>
        MessagePackCodec.Encode(MessagePackValue.Map(
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("created"), MessagePackValue.From(FormatDate(created))),
            new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("hostname"), MessagePackValue.From(hostname))));

    /// <summary>JavaScript's Date.prototype.toJSON: "2024-05-01T12:34:56.789Z".</summary>
    public static string FormatDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The host name Node's os.hostname() reports.</summary>
    public static string LocalHostname()
    {
        try
        {
            return System.Net.Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return Environment.MachineName;
        }
    }

    /// <summary>Decodes META data; null when it is not a msgpack map (zmq-raft's zr-tool reports that as an error too).</summary>
    public static IndexFileMeta? TryDecode(ReadOnlySpan<byte> data)
    {
        if (!MessagePackCodec.TryDecodeExact(data, out var value, out _) || !value.TryGetMap(out _))
            return null;
        return new IndexFileMeta(StringProperty(value, "created"), StringProperty(value, "hostname"));
    }

    private static string? StringProperty(MessagePackValue map, string key) =>
        map.TryGetProperty(key, out var v) && v.TryGetString(out var s) ? s : null;
}
