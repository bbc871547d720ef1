using System.Text.Json;

namespace RaftRunner.Cli;

/// <summary>One peer of the --peers argument (www and pub are optional, as in the seed's start scripts).</summary>
internal sealed record SeedPeer(string Id, string Url, string? Www = null, string? Pub = null);

/// <summary>
/// The --peers argument (DESIGN.md "Contracts"): the seed's JSON
/// (<c>[{"id":"id1","url":"tcp://127.0.0.1:8041","www":"http://127.0.0.1:8042","pub":"tcp://127.0.0.1:8043"}, …]</c>)
/// or <c>id1=tcp://127.0.0.1:8041,id2=…</c>. Errors are one line naming what is wrong.
/// </summary>
internal static class SeedPeers
{
    public static bool TryParse(string text, out IReadOnlyList<SeedPeer> peers, out string? error)
    {
        peers = [];
        text = text.Trim();
        if (text.Length == 0)
        {
            error = "--peers is empty";
            return false;
        }
        var parsed = text.StartsWith('[') ? ParseJson(text, out error) : ParsePairs(text, out error);
        if (parsed is null)
            return false;
        foreach (var p in parsed)
        {
            if (!IsTcpUrl(p.Url))
            {
                error = $"--peers: peer '{p.Id}' has url '{p.Url}', expected tcp://HOST:PORT";
                return false;
            }
        }
        var duplicate = parsed.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            error = $"--peers: peer id '{duplicate.Key}' appears twice";
            return false;
        }
        var sameUrl = parsed.GroupBy(p => p.Url, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (sameUrl is not null)
        {
            error = $"--peers: url '{sameUrl.Key}' appears twice";
            return false;
        }
        peers = parsed;
        return true;
    }

    private static List<SeedPeer>? ParseJson(string text, out string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var list = new List<SeedPeer>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    error = "--peers: every element must be an object with \"id\" and \"url\"";
                    return null;
                }
                string? Get(string name) => item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                var id = Get("id");
                var url = Get("url");
                if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(url))
                {
                    error = "--peers: every element needs a non-empty \"id\" and \"url\"";
                    return null;
                }
                list.Add(new SeedPeer(id, url, Get("www"), Get("pub")));
            }
            error = null;
            return list;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = $"--peers is not valid JSON: {e.Message.Split('\n')[0]}";
            return null;
        }
    }

    private static List<SeedPeer>? ParsePairs(string text, out string? error)
    {
        var list = new List<SeedPeer>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == part.Length - 1)
            {
                error = $"--peers: '{part}' is not ID=URL";
                return null;
            }
            list.Add(new SeedPeer(part[..eq], part[(eq + 1)..]));
        }
        error = null;
        return list;
    }

    internal static bool IsTcpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Port is > 0 and < 65536 && uri.AbsolutePath is "/" or "";
}
