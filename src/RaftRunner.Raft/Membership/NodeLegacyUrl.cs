using System.Buffers;
using System.Text;

namespace RaftRunner.Raft.Membership;

/// <summary>Node 20's legacy <c>url.parse(text)</c> (lib/url.js), reduced to the fields the checks read.</summary>
internal sealed record NodeLegacyUrl(string? Protocol, string? Auth, string? Port, string? Hostname, string? Path, string? Hash)
{
    private static readonly HashSet<string> SlashedProtocols = new(StringComparer.Ordinal)
    {
        "http", "http:", "https", "https:", "ftp", "ftp:", "gopher", "gopher:", "file", "file:", "ws", "ws:", "wss", "wss:",
    };

    private static readonly SearchValues<char> ForbiddenHostChars = SearchValues.Create("\0\t\n\r #%/:<>?@[\\]^|");
    private static readonly SearchValues<char> ForbiddenIpv6HostChars = SearchValues.Create("\0\t\n\r #%/<>?@\\^|");
    private static readonly SearchValues<char> NonHostChars = SearchValues.Create(" \"%';<>\\^`{|}");

    public static NodeLegacyUrl Parse(string url)
    {
        var rest = TrimAndFixBackslashes(url, out var hasHash, out var hasAt);

        if (!hasHash && !hasAt && IsSimplePath(rest))
            return new(null, null, null, null, rest, null);

        string? protocol = null, proto = null;
        var protoLength = 0;
        while (protoLength < rest.Length && (char.IsAsciiLetterOrDigit(rest[protoLength]) || rest[protoLength] is '.' or '+' or '-'))
            protoLength++;
        if (protoLength > 0 && protoLength < rest.Length && rest[protoLength] == ':')
        {
            proto = rest[..(protoLength + 1)];
            protocol = proto.ToLowerInvariant();
            rest = rest[(protoLength + 1)..];
        }
        var hostless = protocol == "javascript:";

        var slashes = false;
        if (proto is not null || MatchesAuthHostPattern(rest))
        {
            slashes = rest.StartsWith("//", StringComparison.Ordinal);
            if (slashes && !hostless)
                rest = rest[2..];
        }

        string? auth = null, port = null, hostname = null, hash = null;
        if (!hostless && (slashes || (proto is not null && !SlashedProtocols.Contains(proto))))
            rest = ParseHost(rest, out auth, out port, out hostname);

        // url.parse skips this for "javascript:" only, which fails the protocol check whatever its path.
        rest = AutoEscape(rest);

        var hashAt = rest.IndexOf('#');
        if (hashAt >= 0)
        {
            hash = rest[hashAt..];
            rest = rest[..hashAt];
        }
        // pathname + search is everything before the hash, when not empty.
        var path = rest.Length > 0 ? rest : null;
        if (auth is { Length: > 0 })
            CheckFormattable(auth);
        return new(protocol, auth, port, hostname, path, hash);
    }

    /// <summary>Trims whitespace (code units below 33, NBSP, BOM) and turns "\" into "/" before the first "?" or "#".</summary>
    private static string TrimAndFixBackslashes(string url, out bool hasHash, out bool hasAt)
    {
        hasHash = hasAt = false;
        int start = -1, end = -1, lastPos = 0;
        var rest = new StringBuilder();
        var inWs = false;
        var split = false;
        for (var i = 0; i < url.Length; i++)
        {
            var code = url[i];
            var isWs = code < 33 || code == '\u00a0' || code == '\ufeff';
            if (start == -1)
            {
                if (isWs)
                    continue;
                lastPos = start = i;
            }
            else if (inWs)
            {
                if (!isWs)
                {
                    end = -1;
                    inWs = false;
                }
            }
            else if (isWs)
            {
                end = i;
                inWs = true;
            }

            if (!split)
            {
                switch (code)
                {
                    case '@':
                        hasAt = true;
                        break;
                    case '#':
                        hasHash = split = true;
                        break;
                    case '?':
                        split = true;
                        break;
                    case '\\':
                        rest.Append(url, lastPos, i - lastPos).Append('/');
                        lastPos = i + 1;
                        break;
                }
            }
            else if (!hasHash && code == '#')
            {
                hasHash = true;
            }
        }

        if (start == -1)
            return rest.ToString();
        if (lastPos == start)
            return end == -1 ? url[start..] : url[start..end];
        if (end == -1 && lastPos < url.Length)
            rest.Append(url, lastPos, url.Length - lastPos);
        else if (end != -1 && lastPos < end)
            rest.Append(url, lastPos, end - lastPos);
        return rest.ToString();
    }

    /// <summary><c>/^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/</c> with JavaScript's <c>\s</c>.</summary>
    private static bool IsSimplePath(string rest)
    {
        if (rest.Length == 0 || rest[0] != '/')
            return false;
        if (rest.Length > 2 && rest[1] == '/' && rest[2] == '/')
            return false;
        foreach (var c in rest)
        {
            if (IsJsWhitespace(c))
                return false;
        }
        return true;
    }

    private static bool IsJsWhitespace(char c) =>
        c is '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00a0' or '\u1680' or (>= '\u2000' and <= '\u200a')
            or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' or '\ufeff';

    /// <summary><c>/^\/\/[^@/]+@[^@/]+/</c>: "//user@host" has a host even without a protocol.</summary>
    private static bool MatchesAuthHostPattern(string rest)
    {
        if (!rest.StartsWith("//", StringComparison.Ordinal))
            return false;
        var i = 2;
        while (i < rest.Length && rest[i] is not ('@' or '/'))
            i++;
        return i > 2 && i + 1 < rest.Length && rest[i] == '@' && rest[i + 1] is not ('@' or '/');
    }

    /// <summary>Splits auth and host off <paramref name="rest"/> and returns what follows the host.</summary>
    private static string ParseHost(string rest, out string? auth, out string? port, out string hostname)
    {
        // Tabs and line breaks vanish up to the end of the host; indices below are in the shortened text.
        var text = new StringBuilder(rest.Length);
        int hostEnd = -1, atSign = -1, nonHost = -1;
        for (var source = 0; source < rest.Length; source++)
        {
            var c = rest[source];
            if (c is '\t' or '\n' or '\r')
                continue;
            var i = text.Length;
            text.Append(c);
            if (NonHostChars.Contains(c))
            {
                if (nonHost == -1)
                    nonHost = i;
            }
            else if (c is '#' or '/' or '?')
            {
                if (nonHost == -1)
                    nonHost = i;
                hostEnd = i;
                text.Append(rest, source + 1, rest.Length - source - 1);
                break;
            }
            else if (c == '@')
            {
                atSign = i;
                nonHost = -1;
            }
        }
        rest = text.ToString();

        auth = null;
        var start = 0;
        if (atSign != -1)
        {
            auth = JsUri.DecodeUriComponent(rest[..atSign]);
            start = atSign + 1;
        }
        string host;
        if (nonHost == -1)
        {
            host = rest[start..];
            rest = string.Empty;
        }
        else
        {
            host = rest[start..Math.Max(start, nonHost)];
            rest = rest[nonHost..];
        }

        // parseHost: the port is the digits after the last ":", if nothing else follows it.
        port = null;
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && host.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            if (colon + 1 < host.Length)
                port = host[(colon + 1)..];
            host = host[..colon];
        }
        hostname = host;

        var ipv6 = hostname.Length > 0 && hostname[0] == '[' && hostname[^1] == ']';
        if (!ipv6)
        {
            // getHostname: a ":" left in the host (a second port) starts the path instead.
            var bad = hostname.AsSpan().IndexOfAny("/\\#?:");
            if (bad >= 0)
            {
                rest = "/" + hostname[bad..] + rest;
                hostname = hostname[..bad];
            }
        }

        hostname = hostname.Length > 255 ? string.Empty : JsLowerCase(hostname);
        if (hostname.Length != 0)
        {
            if (ipv6)
            {
                if (hostname.AsSpan().ContainsAny(ForbiddenIpv6HostChars))
                    throw InvalidUrl();
            }
            else
            {
                hostname = NodeIdna.ToAscii(hostname);
                if (hostname.Length == 0 || hostname.AsSpan().ContainsAny(ForbiddenHostChars))
                    throw InvalidUrl();
            }
        }

        if (ipv6)
        {
            hostname = hostname.Length >= 2 ? hostname[1..^1] : string.Empty;
            if (rest.Length == 0 || rest[0] != '/')
                rest = "/" + rest;
        }
        return rest;
    }

    private static JsException InvalidUrl() => new("TypeError", "Invalid URL");

    /// <summary>String#toLowerCase: exact for ASCII; for other text .NET's invariant mapping (see the deviations in <see cref="PeerListValidator"/>).</summary>
    private static string JsLowerCase(string s) => s.ToLowerInvariant();

    /// <summary>autoEscapeStr: the characters url.parse percent-encodes after the host.</summary>
    private static string AutoEscape(string rest)
    {
        var escaped = new StringBuilder(rest.Length);
        foreach (var c in rest)
        {
            _ = c switch
            {
                '\t' => escaped.Append("%09"),
                '\n' => escaped.Append("%0A"),
                '\r' => escaped.Append("%0D"),
                ' ' => escaped.Append("%20"),
                '"' => escaped.Append("%22"),
                '\'' => escaped.Append("%27"),
                '<' => escaped.Append("%3C"),
                '>' => escaped.Append("%3E"),
                '\\' => escaped.Append("%5C"),
                '^' => escaped.Append("%5E"),
                '`' => escaped.Append("%60"),
                '{' => escaped.Append("%7B"),
                '|' => escaped.Append("%7C"),
                '}' => escaped.Append("%7D"),
                _ => escaped.Append(c),
            };
        }
        return escaped.ToString();
    }

    /// <summary>url.parse ends with format(), whose encodeStr(auth) throws on a surrogate in last place.</summary>
    private static void CheckFormattable(string auth)
    {
        for (var i = 0; i < auth.Length; i++)
        {
            if (char.IsSurrogate(auth[i]) && ++i >= auth.Length)
                throw JsException.UriMalformed();
        }
    }
}
