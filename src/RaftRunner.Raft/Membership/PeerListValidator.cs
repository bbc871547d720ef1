using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Raft.Membership;

/// <summary>
/// zmq-raft 0.5.0's <c>ClusterConfiguration#join</c> (lib/common/cluster_configuration.js) with the
/// <c>parsePeers</c> and <c>validatePeerUrlFormat</c> it calls (lib/utils/helpers.js), as Node 20 runs them.
/// A leader of a mixed cluster must refuse exactly what a zmq-raft leader refuses, with the same reply, so this
/// mirrors the JavaScript step by step, including Node's legacy <c>url.parse</c> and the text of its assertion
/// errors. Checked against tests/vectors/config/vectors.json, which zmq-raft itself wrote. This file holds the
/// rules and their order; the JavaScript and Node behaviour they rest on sits beside it: <see cref="NodeLegacyUrl"/>
/// (url.parse, with <see cref="NodeIdna"/> and <see cref="JsUri"/>), <see cref="NodeNet"/> (net.isIP),
/// <see cref="NodeAssertMessages"/> (assert.strictEqual's message), <see cref="JsObject"/> and <see cref="JsValue"/>.
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
                    throw JsException.Assertion(BadForm);
            }

            if (!JsValue.IsNonEmptyString(id, out var idText))
                throw JsException.Assertion("peer id must be a non empty string");
            if (ids.Contains(idText))
                throw JsException.Assertion("peer id must be unique");
            var urlText = ValidatePeerUrlFormat(url);
            if (urls.Contains(urlText))
                throw JsException.Assertion("peer url must be unique");
            var consistent = oldUrlById.TryGetValue(idText, out var oldUrl)
                ? string.Equals(oldUrl, urlText, StringComparison.Ordinal)
                : !oldUrls.Contains(urlText);
            if (!consistent)
                throw JsException.Assertion("new peers must be consistent with current configuration");

            ids.Add(idText);
            urls.Add(urlText);
            result.Add(new PeerInfo(idText, urlText));
        }

        if (result.Count == 0)
            throw JsException.Assertion("at least one peer must be defined in a cluster");
        return result;
    }

    private static string ValidatePeerUrlFormat(MessagePackValue? peer)
    {
        if (!JsValue.IsNonEmptyString(peer, out var text))
            throw JsException.Assertion("peer url must be a non empty string");
        var url = NodeLegacyUrl.Parse(text);
        if (url.Protocol != "tcp:")
            throw JsException.Assertion(NodeAssertMessages.StrictEqual("peer url protocol must be tcp:", url.Protocol, "tcp:"));
        if (url.Auth is not null)
            throw JsException.Assertion(NodeAssertMessages.StrictEqual("peer url must have no auth", url.Auth, null));
        // url.parse gives a bracketed IPv6 host the path "/", hence the exception for a url that does not end in "/".
        if (!(url.Path is null || (url.Path == "/" && !text.EndsWith('/'))))
            throw JsException.Assertion("peer url must have no path");
        if (url.Hash is not null)
            throw JsException.Assertion(NodeAssertMessages.StrictEqual("peer url must have no hash", url.Hash, null));
        var port = JsValue.ToInt32(url.Port);
        if (!(port > 0 && port < 0x10000))
            throw JsException.Assertion("peer url port must be in range 1-65535");
        if (url.Hostname is "0.0.0.0" or "::")
            throw JsException.Assertion("peer url must not be a placeholder address");
        if (!NodeNet.IsIP(url.Hostname))
            throw JsException.Assertion("peer url must have a valid ip address in hostname");
        return text;
    }
}
