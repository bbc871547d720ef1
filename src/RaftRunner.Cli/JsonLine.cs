using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RaftRunner.Cli;

/// <summary>One JSON object on one line (what --json prints, and log dump's lines).</summary>
internal static class JsonLine
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        // Output for scripts and terminals, not HTML: '+' and non-ASCII stay as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Of(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A peer list as <c>"name": [{"id": …, "url": …}, …]</c>.</summary>
    public static void WritePeers(this Utf8JsonWriter writer, string name, IReadOnlyList<RaftRunner.Protocol.PeerInfo> peers)
    {
        writer.WriteStartArray(name);
        foreach (var p in peers)
        {
            writer.WriteStartObject();
            writer.WriteString("id", p.Id);
            writer.WriteString("url", p.Url);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>A double with at most <paramref name="decimals"/> decimals (JSON has no NaN or infinity: those become 0).</summary>
    public static void WriteRounded(this Utf8JsonWriter writer, string name, double value, int decimals = 3) =>
        writer.WriteNumber(name, double.IsFinite(value) ? Math.Round(value, decimals) : 0);
}
