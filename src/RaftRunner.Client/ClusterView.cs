using RaftRunner.Protocol;

namespace RaftRunner.Client;

/// <summary>
/// What the client believes about the cluster: the peers (from the last RequestConfig answer, or the seed urls until
/// one came) and the leader, if known. Shared by every call; thread-safe.
/// </summary>
/// <remarks>
/// As zmq-raft's client does, every RequestConfig answer replaces the peer list, whoever answers; a leader id is
/// believed only when the peer list gives its url. With no leader known, requests go round-robin over the peers.
/// </remarks>
internal sealed class ClusterView
{
    private readonly Lock _gate = new();
    private readonly string[] _seeds;
    private IReadOnlyList<PeerInfo> _peers = [];
    private string[] _urls;
    private string? _leaderId;
    private string? _leaderUrl;
    private int _next;

    public ClusterView(IEnumerable<string> seeds)
    {
        _seeds = [.. seeds.Distinct(StringComparer.Ordinal)];
        _urls = _seeds;
    }

    public string? LeaderUrl
    {
        get
        {
            lock (_gate)
                return _leaderUrl;
        }
    }

    public string? LeaderId
    {
        get
        {
            lock (_gate)
                return _leaderId;
        }
    }

    public IReadOnlyList<PeerInfo> Peers
    {
        get
        {
            lock (_gate)
                return _peers;
        }
    }

    /// <summary>The next peer in turn, for a request no leader is known for.</summary>
    public string NextUrl()
    {
        lock (_gate)
        {
            var url = _urls[_next % _urls.Length];
            _next = (_next + 1) % _urls.Length;
            return url;
        }
    }

    /// <summary>Takes a RequestConfig answer from <paramref name="url"/>; true when the leader changed.</summary>
    public bool Update(string url, bool isLeader, string? leaderId, IReadOnlyList<PeerInfo>? peers)
    {
        lock (_gate)
        {
            if (peers is { Count: > 0 })
            {
                _peers = peers;
                _urls = [.. peers.Select(p => p.Url).Distinct(StringComparer.Ordinal)];
                _next %= _urls.Length;
            }
            if (isLeader && leaderId is not null)
                return SetLeader(leaderId, url);
            return SetLeader(leaderId, UrlOf(leaderId));
        }
    }

    /// <summary>
    /// A peer at <paramref name="url"/> said it is not the leader and named <paramref name="leaderId"/>: believe it
    /// when the url is known and is not that peer's. Returns the leader's url, or null when it is unknown now.
    /// </summary>
    public string? Redirect(string url, string? leaderId)
    {
        lock (_gate)
        {
            var leaderUrl = UrlOf(leaderId);
            if (leaderUrl == url)
                leaderUrl = null;
            SetLeader(leaderUrl is null ? null : leaderId, leaderUrl);
            return leaderUrl;
        }
    }

    /// <summary>Forgets the leader if it is still the one at <paramref name="url"/> (it timed out or stepped down).</summary>
    public void Forget(string url)
    {
        lock (_gate)
        {
            if (_leaderUrl == url)
                SetLeader(null, null);
        }
    }

    private string? UrlOf(string? id) => id is null ? null : _peers.FirstOrDefault(p => p.Id == id).Url;

    private bool SetLeader(string? id, string? url)
    {
        if (url is null)
            id = null;
        var changed = _leaderUrl != url || _leaderId != id;
        _leaderId = id;
        _leaderUrl = url;
        return changed && url is not null;
    }
}
