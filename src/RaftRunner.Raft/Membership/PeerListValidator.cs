using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Raft.Membership;

/// <summary>
/// What a leader makes of a ConfigUpdate's peer list: the new configuration's peers, the
/// <c>{name, message}</c> zmq-raft replies with status 2, or <see cref="Busy"/> (status 3) when a joint
/// configuration is already in place.
/// </summary>
public readonly record struct PeerListValidation(IReadOnlyList<PeerInfo>? NewPeers, string? ErrorName, string? ErrorMessage, bool Busy)
{
    /// <summary>True when the list starts a joint configuration: <c>{old: current.Peers, new: NewPeers}</c>.</summary>
    public bool IsAccepted => NewPeers is not null;

    internal static PeerListValidation Accepted(IReadOnlyList<PeerInfo> peers) => new(peers, null, null, false);

    internal static PeerListValidation Refused(string name, string message) => new(null, name, message, false);

    internal static PeerListValidation InTransition => new(null, null, null, true);
}

/// <summary>
/// zmq-raft 0.5.0's <c>ClusterConfiguration#join</c> (lib/common/cluster_configuration.js) with the
/// <c>parsePeers</c> and <c>validatePeerUrlFormat</c> it calls (lib/utils/helpers.js), as Node 20 runs them.
/// A leader of a mixed cluster must refuse exactly what a zmq-raft leader refuses, with the same reply, so this
/// mirrors the JavaScript step by step, including Node's legacy <c>url.parse</c> and the text of its assertion
/// errors. Checked against tests/vectors/config/vectors.json, which zmq-raft itself wrote.
/// </summary>
/// <remarks>
/// <para>Order of checks (the first failure is the reply): the current configuration is transitional → busy,
/// before the argument is looked at; the argument is not an array → TypeError; then peer by peer, in list order:
/// the element's form, a non-empty string id, a unique id, the url (non-empty string, url.parse's own throws,
/// protocol, auth, path, hash, port, placeholder host, IP literal host), a unique url, consistency with the
/// current configuration; then an empty list; last, the same ids in the same order → "no change".</para>
/// <para>Known deviations, all in hostnames that are not ASCII: url.parse passes them through UTS #46 (ada),
/// which .NET cannot reproduce with invariant globalization. We reproduce a subset (fullwidth forms, ideographic
/// full stops, NBSP and other spaces, soft hyphen, BOM and other ignored invisibles, C1 controls and joiners)
/// and treat any other non-ASCII hostname as a name that is not an IP address. So a url that UTS #46 maps to
/// an IPv4 address some other way (circled or mathematical digits) is refused
/// where zmq-raft accepts it, and a hostname (or an "xn--" label) that UTS #46 rejects gets "peer url must have
/// a valid ip address in hostname" (or an earlier check's error) where zmq-raft says TypeError "Invalid URL".
/// The assertion texts are those of a Node whose stderr is not a TTY; on a TTY Node adds colours.</para>
/// </remarks>
public static class PeerListValidator
{
    private const string BadForm = "peer must be an url string or a tuple [id, url] or an object with 'url' and 'id' properties";

    /// <summary>Validates <paramref name="raw"/>, the decoded peers frame of a ConfigUpdate, against <paramref name="current"/>.</summary>
    public static PeerListValidation Validate(MessagePackValue raw, ClusterConfiguration current)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(current);

        // join() returns null before it parses anything, so even garbage gets "busy" during a transition.
        if (current.IsTransitional)
            return PeerListValidation.InTransition;
        try
        {
            var peers = ParsePeers(raw, current.Peers);
            if (peers.Count == current.Peers.Count && peers.Select(p => p.Id).SequenceEqual(current.Peers.Select(p => p.Id), StringComparer.Ordinal))
                throw new JsException("Error", "no change in cluster membership");
            return PeerListValidation.Accepted(peers);
        }
        catch (JsException e)
        {
            return PeerListValidation.Refused(e.Name, e.Message);
        }
    }

    private static List<PeerInfo> ParsePeers(MessagePackValue raw, IReadOnlyList<PeerInfo> oldPeers)
    {
        if (!raw.TryGetArray(out var items))
            throw new JsException("TypeError", "peers must be an array");

        var oldUrlById = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in oldPeers)
            oldUrlById[p.Id] = p.Url;
        var oldUrls = oldUrlById.Values.ToHashSet(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var urls = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<PeerInfo>(items.Count);

        foreach (var peer in items)
        {
            // null stands for JavaScript's undefined: an absent tuple element or property.
            MessagePackValue? id, url;
            switch (peer.Kind)
            {
                case MessagePackKind.String:
                    id = url = peer;
                    break;
                case MessagePackKind.Array:
                    var tuple = peer.AsArray();
                    id = tuple.Count > 0 ? tuple[0] : null;
                    url = tuple.Count > 1 ? tuple[1] : id;
                    break;
                case MessagePackKind.Map or MessagePackKind.Binary: // a Buffer is an object too, with neither property
                    url = JsObject.Get(peer, "url");
                    id = JsObject.Get(peer, "id") ?? url;
                    url ??= id;
                    break;
                default:
                    throw Assertion(BadForm);
            }

            if (!IsNonEmptyString(id, out var idText))
                throw Assertion("peer id must be a non empty string");
            if (ids.Contains(idText))
                throw Assertion("peer id must be unique");
            var urlText = ValidatePeerUrlFormat(url);
            if (urls.Contains(urlText))
                throw Assertion("peer url must be unique");
            var consistent = oldUrlById.TryGetValue(idText, out var oldUrl)
                ? string.Equals(oldUrl, urlText, StringComparison.Ordinal)
                : !oldUrls.Contains(urlText);
            if (!consistent)
                throw Assertion("new peers must be consistent with current configuration");

            ids.Add(idText);
            urls.Add(urlText);
            result.Add(new PeerInfo(idText, urlText));
        }

        if (result.Count == 0)
            throw Assertion("at least one peer must be defined in a cluster");
        return result;
    }

    private static string ValidatePeerUrlFormat(MessagePackValue? peer)
    {
        if (!IsNonEmptyString(peer, out var text))
            throw Assertion("peer url must be a non empty string");
        var url = NodeLegacyUrl.Parse(text);
        if (url.Protocol != "tcp:")
            throw Assertion(NodeAssertText.StrictEqual("peer url protocol must be tcp:", url.Protocol, "tcp:"));
        if (url.Auth is not null)
            throw Assertion(NodeAssertText.StrictEqual("peer url must have no auth", url.Auth, null));
        // url.parse gives a bracketed IPv6 host the path "/", hence the exception for a url that does not end in "/".
        if (!(url.Path is null || (url.Path == "/" && !text.EndsWith('/'))))
            throw Assertion("peer url must have no path");
        if (url.Hash is not null)
            throw Assertion(NodeAssertText.StrictEqual("peer url must have no hash", url.Hash, null));
        var port = JsToInt32(url.Port);
        if (!(port > 0 && port < 0x10000))
            throw Assertion("peer url port must be in range 1-65535");
        if (url.Hostname is "0.0.0.0" or "::")
            throw Assertion("peer url must not be a placeholder address");
        if (!NodeNet.IsIP(url.Hostname))
            throw Assertion("peer url must have a valid ip address in hostname");
        return text;
    }

    private static bool IsNonEmptyString(MessagePackValue? value, out string text)
    {
        if (value is not null && value.TryGetString(out var s) && s.Length != 0)
        {
            text = s;
            return true;
        }
        text = string.Empty;
        return false;
    }

    /// <summary><c>url.port | 0</c>: Number() of the digits, then ToInt32, so ":4294967297" is port 1.</summary>
    private static int JsToInt32(string? digits)
    {
        if (digits is null)
            return 0;
        var number = double.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture); // ∞ beyond 1.8e308
        if (double.IsInfinity(number))
            return 0;
        return unchecked((int)(uint)(ulong)(new BigInteger(number) % 4294967296));
    }

    private static JsException Assertion(string message) => new("AssertionError", message);

    /// <summary>A JavaScript throw inside join(): the name and message zmq-raft puts in its reply.</summary>
    private sealed class JsException(string name, string message) : Exception(message)
    {
        public string Name { get; } = name;
    }

    /// <summary>Property lookup on the object msgpack-lite makes of a map (<c>obj[String(key)] = value</c>).</summary>
    private static class JsObject
    {
        /// <summary>The value of <paramref name="name"/> on the object or its prototype chain; null for undefined.</summary>
        public static MessagePackValue? Get(MessagePackValue obj, string name)
        {
            // Arrays and Buffers have no "id" or "url" property anywhere on their prototype chains.
            if (obj.Kind != MessagePackKind.Map)
                return null;
            var (own, prototype) = Read(obj, name);
            return own ?? (prototype is { Kind: MessagePackKind.Map } ? Get(prototype, name) : null);
        }

        /// <summary>
        /// Replays the assignments: the own value of <paramref name="name"/> (last one wins) and the prototype, which
        /// is null for Object.prototype and Nil for none. Assigning "__proto__" runs Object.prototype's setter while
        /// that is still on the chain: objects and null replace the prototype, other values are ignored. Once the
        /// chain no longer reaches Object.prototype, "__proto__" is an ordinary own property.
        /// </summary>
        private static (MessagePackValue? Own, MessagePackValue? Prototype) Read(MessagePackValue map, string name)
        {
            MessagePackValue? own = null, prototype = null;
            var hasSetter = true;
            foreach (var (key, value) in map.AsMap())
            {
                var property = PropertyKey(key);
                if (property == "__proto__" && hasSetter)
                {
                    if (value.Kind is MessagePackKind.Map or MessagePackKind.Array or MessagePackKind.Binary or MessagePackKind.Nil)
                    {
                        prototype = value;
                        hasSetter = ReachesObjectPrototype(prototype);
                    }
                }
                else if (property == name)
                {
                    own = value;
                }
            }
            return (own, prototype);
        }

        private static bool ReachesObjectPrototype(MessagePackValue? prototype) => prototype switch
        {
            null => true,
            { Kind: MessagePackKind.Nil } => false,
            { Kind: MessagePackKind.Map } => ReachesObjectPrototype(Read(prototype, "__proto__").Prototype),
            _ => true, // Array.prototype and Buffer's chain end in Object.prototype
        };

        /// <summary>String(key) where it could be "id", "url" or "__proto__"; null where it cannot (numbers, lists with commas).</summary>
        private static string? PropertyKey(MessagePackValue key) => key.Kind switch
        {
            MessagePackKind.String => key.AsString(),
            MessagePackKind.Binary => Encoding.UTF8.GetString(key.AsBinary().Span), // Buffer#toString()
            MessagePackKind.Nil => "null",
            MessagePackKind.Boolean => key.AsBoolean() ? "true" : "false",
            MessagePackKind.Map => "[object Object]",
            MessagePackKind.Array => key.AsArray() switch // Array#join(","), null items as ""
            {
                [] => string.Empty,
                [var only] => only.IsNil ? string.Empty : PropertyKey(only),
                _ => null,
            },
            _ => null,
        };
    }

    /// <summary>Node 20's legacy <c>url.parse(text)</c> (lib/url.js), reduced to the fields the checks read.</summary>
    private sealed record NodeLegacyUrl(string? Protocol, string? Auth, string? Port, string? Hostname, string? Path, string? Hash)
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
                auth = DecodeUriComponent(rest[..atSign]);
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
                    hostname = DomainToAscii(hostname);
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

        private static JsException UriMalformed() => new("URIError", "URI malformed");

        /// <summary>String#toLowerCase: exact for ASCII; for other text .NET's invariant mapping (see the deviations).</summary>
        private static string JsLowerCase(string s) => s.ToLowerInvariant();

        /// <summary>
        /// The toASCII binding (ada 2.9 to_ascii): ASCII is lowercased and only "xn--" labels are checked; the result
        /// is read back as a C string, so it ends at the first NUL. "" means failure.
        /// </summary>
        private static string DomainToAscii(string hostname)
        {
            var mapped = MapUts46Subset(hostname);
            if (mapped is null)
                return string.Empty;
            var labels = mapped.ToLowerInvariant().Split('.');
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i].StartsWith("xn--", StringComparison.Ordinal))
                {
                    if (!Ascii.IsValid(labels[i]) || !IsAcceptablePunycode(labels[i][4..]))
                        return string.Empty;
                }
                else if (!Ascii.IsValid(labels[i]))
                {
                    // Deviation: without UTS #46 we cannot validate or encode the label. "xn--" + the label stands in
                    // for its punycode: like it, it is never part of an IP address, and a NUL in it cuts it short.
                    labels[i] = "xn--" + labels[i];
                }
            }
            var ascii = string.Join('.', labels);
            var nul = ascii.IndexOf('\0', StringComparison.Ordinal);
            return nul < 0 ? ascii : ascii[..nul];
        }

        /// <summary>
        /// The part of UTS #46 mapping we reproduce (checked against Node's toASCII): fullwidth ASCII, the ideographic
        /// full stops, the invisible characters it drops, the spaces it maps to " ", and characters it rejects (null).
        /// </summary>
        private static string? MapUts46Subset(string hostname)
        {
            if (Ascii.IsValid(hostname))
                return hostname;
            var mapped = new StringBuilder(hostname.Length);
            foreach (var c in hostname)
            {
                switch (c)
                {
                    case >= '\uff01' and <= '\uff5e':
                        mapped.Append(char.ToLowerInvariant((char)(c - 0xfee0)));
                        break;
                    case '\u3002' or '\uff61':
                        mapped.Append('.');
                        break;
                    case '\u00ad' or '\u034f' or '\u200b' or '\u2060' or '\ufeff':
                        break;
                    case '\u00a0' or (>= '\u2000' and <= '\u200a') or '\u3000':
                        mapped.Append(' ');
                        break;
                    case (>= '\u0080' and <= '\u009f') or '\u200c' or '\u200d' or '\u1680' or '\u180e' or '\u2028' or '\u2029':
                        return null;
                    default:
                        mapped.Append(c);
                        break;
                }
            }
            return mapped.ToString();
        }

        /// <summary>
        /// ada's punycode_to_utf32 plus the checks we can make: the label must decode and must not be empty.
        /// A decoded label with non-ASCII code points is accepted without UTS #46 validation (a deviation).
        /// </summary>
        private static bool IsAcceptablePunycode(string input)
        {
            const int Base = 36, TMin = 1, TMax = 26;
            var written = 0;
            uint n = 128;
            int i = 0, bias = 72;
            var lastDash = input.LastIndexOf('-');
            if (lastDash >= 0)
            {
                written = lastDash;
                input = input[(lastDash + 1)..];
            }
            var at = 0;
            while (at < input.Length)
            {
                var oldi = i;
                var w = 1;
                for (var k = Base; ; k += Base)
                {
                    if (at >= input.Length)
                        return false;
                    var c = input[at++];
                    var digit = c is >= 'a' and <= 'z' ? c - 'a' : c is >= '0' and <= '9' ? c - '0' + 26 : -1;
                    if (digit < 0 || digit > (int.MaxValue - i) / w)
                        return false;
                    i += digit * w;
                    var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                    if (digit < t)
                        break;
                    if (w > int.MaxValue / (Base - t))
                        return false;
                    w *= Base - t;
                }
                bias = Adapt(i - oldi, written + 1, oldi == 0);
                if (i / (written + 1) > int.MaxValue - n)
                    return false;
                n += (uint)(i / (written + 1));
                i %= written + 1;
                if (n < 0x80)
                    return false;
                written++;
                i++;
            }
            return written > 0;
        }

        private static int Adapt(int delta, int points, bool first)
        {
            delta = first ? delta / 700 : delta / 2;
            delta += delta / points;
            var k = 0;
            while (delta > (35 * 26) / 2)
            {
                delta /= 35;
                k += 36;
            }
            return k + 36 * delta / (delta + 38);
        }

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

        /// <summary>ECMAScript decodeURIComponent, which throws URIError on a bad escape or bad UTF-8.</summary>
        private static string DecodeUriComponent(string s)
        {
            if (!s.Contains('%', StringComparison.Ordinal))
                return s;
            var decoded = new StringBuilder(s.Length);
            Span<byte> octets = stackalloc byte[4];
            for (var k = 0; k < s.Length; k++)
            {
                if (s[k] != '%')
                {
                    decoded.Append(s[k]);
                    continue;
                }
                if (k + 2 >= s.Length)
                    throw UriMalformed();
                var b = HexByte(s, k + 1);
                k += 2;
                if (b < 0x80)
                {
                    decoded.Append((char)b);
                    continue;
                }
                var n = BitOperations.LeadingZeroCount(~(uint)b << 24);
                if (n is 1 or > 4 || k + 3 * (n - 1) >= s.Length)
                    throw UriMalformed();
                octets[0] = (byte)b;
                for (var j = 1; j < n; j++)
                {
                    k++;
                    if (s[k] != '%')
                        throw UriMalformed();
                    var next = HexByte(s, k + 1);
                    if ((next & 0xc0) != 0x80)
                        throw UriMalformed();
                    k += 2;
                    octets[j] = (byte)next;
                }
                if (Rune.DecodeFromUtf8(octets[..n], out var rune, out var consumed) != OperationStatus.Done || consumed != n)
                    throw UriMalformed();
                decoded.Append(rune.ToString());
            }
            return decoded.ToString();
        }

        private static int HexByte(string s, int at) =>
            char.IsAsciiHexDigit(s[at]) && char.IsAsciiHexDigit(s[at + 1])
                ? int.Parse(s.AsSpan(at, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
                : throw UriMalformed();

        /// <summary>url.parse ends with format(), whose encodeStr(auth) throws on a surrogate in last place.</summary>
        private static void CheckFormattable(string auth)
        {
            for (var i = 0; i < auth.Length; i++)
            {
                if (char.IsSurrogate(auth[i]) && ++i >= auth.Length)
                    throw UriMalformed();
            }
        }
    }

    /// <summary>net.isIP from Node 20 (lib/internal/net.js), with the same regular expressions.</summary>
    private static class NodeNet
    {
        private const string V4Seg = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
        private const string V4Str = $@"(?:{V4Seg}\.){{3}}{V4Seg}";
        private const string V6Seg = "(?:[0-9a-fA-F]{1,4})";

        private static readonly Regex IPv4 = new($"^{V4Str}\\z", RegexOptions.CultureInvariant);

        private static readonly Regex IPv6 = new(
            "^(?:" +
            $"(?:{V6Seg}:){{7}}(?:{V6Seg}|:)|" +
            $"(?:{V6Seg}:){{6}}(?:{V4Str}|:{V6Seg}|:)|" +
            $"(?:{V6Seg}:){{5}}(?::{V4Str}|(?::{V6Seg}){{1,2}}|:)|" +
            $"(?:{V6Seg}:){{4}}(?:(?::{V6Seg}){{0,1}}:{V4Str}|(?::{V6Seg}){{1,3}}|:)|" +
            $"(?:{V6Seg}:){{3}}(?:(?::{V6Seg}){{0,2}}:{V4Str}|(?::{V6Seg}){{1,4}}|:)|" +
            $"(?:{V6Seg}:){{2}}(?:(?::{V6Seg}){{0,3}}:{V4Str}|(?::{V6Seg}){{1,5}}|:)|" +
            $"(?:{V6Seg}:){{1}}(?:(?::{V6Seg}){{0,4}}:{V4Str}|(?::{V6Seg}){{1,6}}|:)|" +
            $"(?::(?:(?::{V6Seg}){{0,5}}:{V4Str}|(?::{V6Seg}){{1,7}}|:))" +
            ")(?:%[0-9a-zA-Z.:-]{1,})?\\z",
            RegexOptions.CultureInvariant);

        public static bool IsIP(string? s) => s is not null && (IPv4.IsMatch(s) || IPv6.IsMatch(s));
    }

    /// <summary>
    /// The message of Node 20's <c>assert.strictEqual(actual, expected, message)</c> for strings and null
    /// (lib/internal/assert/assertion_error.js, createErrDiff), as printed when stderr is not a TTY: no colours
    /// and an 80-column limit for the "^" marker.
    /// </summary>
    private static class NodeAssertText
    {
        private const int MaxShortLength = 12;
        private const int Columns = 80;

        public static string StrictEqual(string message, string? actual, string? expected)
        {
            var actualLines = Inspect(actual).Split('\n').ToList();
            var expectedLines = Inspect(expected).Split('\n').ToList();
            var i = 0;
            var indicator = string.Empty;

            if (actualLines.Count == 1 && expectedLines.Count == 1 && actualLines[0] != expectedLines[0])
            {
                var a = actualLines[0];
                var e = expectedLines[0];
                var inputLength = a.Length + e.Length;
                if (inputLength <= MaxShortLength)
                    return $"{message}\n\n{a} !== {e}\n";
                if (inputLength < Columns)
                {
                    while (i < a.Length && i < e.Length && a[i] == e[i])
                        i++;
                    if (i > 2)
                    {
                        indicator = $"\n  {new string(' ', i)}^";
                        i = 0;
                    }
                }
            }
            return Diff(message, actualLines, expectedLines, i, indicator);
        }

        /// <summary>The line diff of createErrDiff, from the point where trailing identical lines are dropped.</summary>
        private static string Diff(string message, List<string> actualLines, List<string> expectedLines, int i, string indicator)
        {
            string other = string.Empty, res = string.Empty, end = string.Empty;
            var skipped = false;

            var a = actualLines[^1];
            var b = expectedLines[^1];
            while (a == b)
            {
                if (i++ < 3)
                    end = $"\n  {a}{end}";
                else
                    other = a;
                actualLines.RemoveAt(actualLines.Count - 1);
                expectedLines.RemoveAt(expectedLines.Count - 1);
                if (actualLines.Count == 0 || expectedLines.Count == 0)
                    break;
                a = actualLines[^1];
                b = expectedLines[^1];
            }

            var maxLines = Math.Max(actualLines.Count, expectedLines.Count);
            if (i >= 5)
            {
                end = $"\n...{end}";
                skipped = true;
            }
            if (other.Length != 0)
            {
                end = $"\n  {other}{end}";
                other = string.Empty;
            }

            var printedLines = 0;
            var identical = 0;
            var msg = $"{message}\n+ actual - expected";
            const string SkippedMsg = " ... Lines skipped";
            var lines = actualLines;
            var plusMinus = "+";
            var maxLength = expectedLines.Count;
            if (actualLines.Count < maxLines)
            {
                lines = expectedLines;
                plusMinus = "-";
                maxLength = actualLines.Count;
            }

            for (i = 0; i < maxLines; i++)
            {
                if (maxLength < i + 1)
                {
                    res += IdenticalRun(lines, i, identical, ref printedLines, ref skipped);
                    identical = 0;
                    if (ReferenceEquals(lines, actualLines))
                        res += $"\n{plusMinus} {lines[i]}";
                    else
                        other += $"\n{plusMinus} {lines[i]}";
                    printedLines++;
                }
                else
                {
                    var expectedLine = expectedLines[i];
                    var actualLine = actualLines[i];
                    var diverging = actualLine != expectedLine && (!actualLine.EndsWith(',') || actualLine[..^1] != expectedLine);
                    if (diverging && expectedLine.EndsWith(',') && expectedLine[..^1] == actualLine)
                    {
                        diverging = false;
                        actualLine += ",";
                    }
                    if (diverging)
                    {
                        res += IdenticalRun(actualLines, i, identical, ref printedLines, ref skipped);
                        identical = 0;
                        res += $"\n+ {actualLine}";
                        other += $"\n- {expectedLine}";
                        printedLines += 2;
                    }
                    else
                    {
                        res += other;
                        other = string.Empty;
                        identical++;
                        if (identical <= 2)
                        {
                            res += $"\n  {actualLine}";
                            printedLines++;
                        }
                    }
                }
                if (printedLines > 50 && i < maxLines - 2)
                    return $"{msg}{SkippedMsg}\n{res}\n...{other}\n...";
            }
            return $"{msg}{(skipped ? SkippedMsg : string.Empty)}\n{res}{other}{end}{indicator}";
        }

        /// <summary>Up to three identical lines before a difference, collapsing longer runs to "...".</summary>
        private static string IdenticalRun(List<string> lines, int i, int identical, ref int printedLines, ref bool skipped)
        {
            if (identical <= 2)
                return string.Empty;
            var run = string.Empty;
            if (identical > 3)
            {
                if (identical > 4)
                {
                    if (identical == 5)
                    {
                        run += $"\n  {lines[i - 3]}";
                        printedLines++;
                    }
                    else
                    {
                        run += "\n...";
                        skipped = true;
                    }
                }
                run += $"\n  {lines[i - 2]}";
                printedLines++;
            }
            run += $"\n  {lines[i - 1]}";
            printedLines++;
            return run;
        }

        /// <summary>util.inspect of a string or null with assert's options (breakLength 80, maxStringLength 10,000).</summary>
        private static string Inspect(string? value)
        {
            if (value is null)
                return "null";
            var trailer = string.Empty;
            if (value.Length > 10_000)
            {
                var remaining = value.Length - 10_000;
                value = value[..10_000];
                trailer = $"... {remaining} more character{(remaining > 1 ? "s" : string.Empty)}";
            }
            if (value.Length > 16 && value.Length > Columns - 4)
                return string.Join(" +\n  ", SplitAfterNewlines(value).Select(Quote)) + trailer;
            return Quote(value) + trailer;
        }

        /// <summary><c>value.split(/(?&lt;=\n)/)</c>: each piece keeps its line break.</summary>
        private static IEnumerable<string> SplitAfterNewlines(string value)
        {
            var start = 0;
            for (var i = 0; i < value.Length - 1; i++)
            {
                if (value[i] == '\n')
                {
                    yield return value[start..(i + 1)];
                    start = i + 1;
                }
            }
            yield return value[start..];
        }

        /// <summary>strEscape: single quotes unless the text has one, then double quotes, then backticks.</summary>
        private static string Quote(string s)
        {
            var quote = '\'';
            if (s.Contains('\'', StringComparison.Ordinal))
            {
                if (!s.Contains('"', StringComparison.Ordinal))
                    quote = '"';
                else if (!s.Contains('`', StringComparison.Ordinal) && !s.Contains("${", StringComparison.Ordinal))
                    quote = '`';
            }
            var text = new StringBuilder(s.Length + 2).Append(quote);
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (c == '\'' && quote == '\'')
                    text.Append("\\'");
                else if (c == '\\')
                    text.Append(@"\\");
                else if (c < 0x20 || c is >= '\u007f' and <= '\u009f')
                    text.Append(c switch
                    {
                        '\b' => @"\b",
                        '\t' => @"\t",
                        '\n' => @"\n",
                        '\f' => @"\f",
                        '\r' => @"\r",
                        _ => $@"\x{(int)c:X2}",
                    });
                else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    text.Append(c).Append(s[++i]);
                else if (char.IsSurrogate(c))
                    text.Append($@"\u{(int)c:x}");
                else
                    text.Append(c);
            }
            return text.Append(quote).ToString();
        }
    }
}
