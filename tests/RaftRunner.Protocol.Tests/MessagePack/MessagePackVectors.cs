using System.Globalization;
using System.Text;
using System.Text.Json;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Protocol.Tests.MessagePack;

/// <summary>
/// Reads vectors/msgpack/vectors.json (written by tests/vectors/msgpack/generate.js from msgpack-lite 0.1.26; the
/// tagged value form is described at the top of that script).
/// </summary>
internal static class MessagePackVectors
{
    private static readonly Lazy<JsonDocument> Document = new(Load);

    public static JsonElement Root => Document.Value.RootElement;

    public static IEnumerable<JsonElement> EncodeCases => Root.GetProperty("encode").EnumerateArray();

    public static IEnumerable<JsonElement> DecodeCases => Root.GetProperty("decode").EnumerateArray();

    public static JsonElement EncodeCase(string name) => Find(EncodeCases, name);

    public static JsonElement DecodeCase(string name) => Find(DecodeCases, name);

    private static JsonElement Find(IEnumerable<JsonElement> cases, string name)
    {
        foreach (var c in cases)
        {
            if (c.GetProperty("name").GetString() == name)
                return c;
        }
        throw new InvalidOperationException($"no vector named {name}");
    }

    private static JsonDocument Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", "msgpack", "vectors.json");
        // Deeply nested cases (257 levels of maps) need far more than the default depth of 64.
        return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 8192 });
    }

    /// <summary>Builds the value a tagged JSON description stands for.</summary>
    public static MessagePackValue ToValue(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null:
                return MessagePackValue.Nil;
            case JsonValueKind.True:
                return MessagePackValue.True;
            case JsonValueKind.False:
                return MessagePackValue.False;
            case JsonValueKind.String:
                return MessagePackValue.From(e.GetString()!);
            case JsonValueKind.Array:
                {
                    var items = new List<MessagePackValue>();
                    foreach (var item in e.EnumerateArray())
                        items.Add(ToValue(item));
                    return MessagePackValue.Array(items);
                }
            case JsonValueKind.Object:
                break;
            default:
                throw new InvalidDataException($"unexpected JSON {e}");
        }

        if (e.TryGetProperty("int", out var i))
        {
            var text = i.GetString()!;
            return text.StartsWith('-')
                ? MessagePackValue.From(long.Parse(text, CultureInfo.InvariantCulture))
                : MessagePackValue.From(ulong.Parse(text, CultureInfo.InvariantCulture));
        }
        if (e.TryGetProperty("float", out var f))
            return MessagePackValue.From(BitConverter.Int64BitsToDouble(long.Parse(f.GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        if (e.TryGetProperty("bin", out var bin))
            return MessagePackValue.FromBinary(Convert.FromHexString(bin.GetString()!));
        if (e.TryGetProperty("utf16", out var utf16))
        {
            var hex = utf16.GetString()!;
            var chars = new char[hex.Length / 4];
            for (var k = 0; k < chars.Length; k++)
                chars[k] = (char)ushort.Parse(hex.AsSpan(k * 4, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return MessagePackValue.From(new string(chars));
        }
        if (e.TryGetProperty("map", out var map))
        {
            var entries = new List<KeyValuePair<MessagePackValue, MessagePackValue>>();
            foreach (var pair in map.EnumerateArray())
                entries.Add(new(ToValue(pair[0]), ToValue(pair[1])));
            return MessagePackValue.Map(entries);
        }
        if (e.TryGetProperty("strOf", out var strOf))
        {
            var count = strOf[0].GetInt32();
            var unit = strOf[1].GetString()!;
            var text = new StringBuilder(count * unit.Length);
            for (var k = 0; k < count; k++)
                text.Append(unit);
            return MessagePackValue.From(text.ToString());
        }
        if (e.TryGetProperty("binOf", out var binOf))
        {
            var bytes = new byte[binOf[0].GetInt32()];
            var seed = binOf[1].GetInt32();
            for (var k = 0; k < bytes.Length; k++)
                bytes[k] = (byte)(seed + k);
            return MessagePackValue.FromBinary(bytes);
        }
        if (e.TryGetProperty("arrayOf", out var arrayOf))
        {
            var item = ToValue(arrayOf[1]);
            var items = new MessagePackValue[arrayOf[0].GetInt32()];
            Array.Fill(items, item);
            return MessagePackValue.Array(items);
        }
        if (e.TryGetProperty("mapOf", out var mapOf))
        {
            var entries = new KeyValuePair<MessagePackValue, MessagePackValue>[mapOf[0].GetInt32()];
            for (var k = 0; k < entries.Length; k++)
                entries[k] = new(MessagePackValue.From("k" + k.ToString(CultureInfo.InvariantCulture)), MessagePackValue.From((long)k));
            return MessagePackValue.Map(entries);
        }
        throw new InvalidDataException($"unknown tagged value {e}");
    }

    /// <summary>
    /// Whether <paramref name="ours"/> is what msgpack-lite's JavaScript result <paramref name="lite"/> stands for
    /// under JavaScript semantics: numbers compare as doubles, maps as objects (keys turned into strings, the last
    /// duplicate wins, order ignored). Returns a reason when they differ, null when they agree.
    /// </summary>
    public static string? CompareWithJavaScript(MessagePackValue ours, JsonElement lite)
    {
        switch (lite.ValueKind)
        {
            case JsonValueKind.Null:
                return ours.IsNil ? null : $"expected null, got {ours}";
            case JsonValueKind.True:
            case JsonValueKind.False:
                return ours.TryGetBoolean(out var b) && b == (lite.ValueKind == JsonValueKind.True) ? null : $"expected {lite}, got {ours}";
            case JsonValueKind.String:
                return ours.TryGetString(out var s) && s == lite.GetString() ? null : $"expected {lite}, got {ours}";
            case JsonValueKind.Array:
                {
                    if (!ours.TryGetArray(out var items) || items.Count != lite.GetArrayLength())
                        return $"expected an array of {lite.GetArrayLength()}, got {ours.ToString(200)}";
                    var k = 0;
                    foreach (var item in lite.EnumerateArray())
                    {
                        var reason = CompareWithJavaScript(items[k++], item);
                        if (reason is not null)
                            return $"[{k - 1}]: {reason}";
                    }
                    return null;
                }
        }

        if (lite.TryGetProperty("int", out var i))
        {
            var expected = double.Parse(i.GetString()!, CultureInfo.InvariantCulture);
            return ours.TryGetDouble(out var d) && d == expected ? null : $"expected number {expected}, got {ours}";
        }
        if (lite.TryGetProperty("float", out var f))
        {
            var expected = BitConverter.Int64BitsToDouble(long.Parse(f.GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            return ours.TryGetDouble(out var d) && (d.Equals(expected)) ? null : $"expected number {expected}, got {ours}";
        }
        if (lite.TryGetProperty("bin", out var bin))
            return ours.TryGetBinary(out var bytes) && Convert.ToHexStringLower(bytes.Span) == bin.GetString() ? null : $"expected buffer {bin}, got {ours}";
        if (lite.TryGetProperty("map", out var map))
        {
            if (!ours.TryGetMap(out var entries))
                return $"expected an object, got {ours.ToString(200)}";
            var jsObject = new Dictionary<string, MessagePackValue>(StringComparer.Ordinal);
            foreach (var entry in entries)
                jsObject[JavaScriptKey(entry.Key)] = entry.Value;
            if (jsObject.Count != map.GetArrayLength())
                return $"expected an object with {map.GetArrayLength()} keys, got {ours.ToString(200)}";
            foreach (var pair in map.EnumerateArray())
            {
                var key = pair[0].GetString()!;
                if (!jsObject.TryGetValue(key, out var value))
                    return $"missing key {key}";
                var reason = CompareWithJavaScript(value, pair[1]);
                if (reason is not null)
                    return $"{key}: {reason}";
            }
            return null;
        }
        return $"cannot compare with {lite}";
    }

    /// <summary>JavaScript's <c>String(key)</c> for the key kinds the vectors use.</summary>
    private static string JavaScriptKey(MessagePackValue key)
    {
        if (key.TryGetString(out var s))
            return s;
        if (key.IsNil)
            return "null";
        if (key.TryGetBoolean(out var b))
            return b ? "true" : "false";
        if (key.TryGetArray(out var items))
            return string.Join(",", items.Select(item => item.IsNil ? "" : JavaScriptKey(item)));
        if (key.TryGetInt64(out var l))
            return l.ToString(CultureInfo.InvariantCulture);
        return key.ToString();
    }
}
