using RaftRunner.Protocol.Messages;

namespace RaftRunner.Client;

// Finding the leader: RequestConfig, RequestLogInfo, RequestBroadcastStateUrl.
public sealed partial class RaftClient
{
    /// <summary>
    /// The cluster's configuration as its leader reports it. Peers are asked in turn (RequestConfig) until one answers
    /// that it leads; a peer that names the leader is followed at once, one that knows none gets the election grace
    /// delay. The client keeps the peer list and the leader it learns.
    /// </summary>
    /// <exception cref="TimeoutException">no leader answered within <see cref="RaftClientOptions.CallTimeout"/>.</exception>
    public async Task<RaftClusterConfig> RequestConfigAsync(CancellationToken ct = default)
    {
        var (url, config) = await FindLeaderAsync(Deadline.After(_options.CallTimeout), ct).ConfigureAwait(false);
        return new RaftClusterConfig(config.LeaderId ?? "", url, config.Peers ?? []);
    }

    /// <summary>
    /// RequestLogInfo: the leader's log state, or with <paramref name="anyPeer"/> the first peer's to answer (the
    /// known leader first, then the others in turn).
    /// </summary>
    public async Task<RaftLogInfo> RequestLogInfoAsync(bool anyPeer = false, CancellationToken ct = default)
    {
        var deadline = Deadline.After(_options.CallTimeout);
        while (true)
        {
            BeforeAttempt(deadline, "RequestLogInfo", ct);
            var url = anyPeer ? _view.LeaderUrl ?? _view.NextUrl() : await LeaderUrlAsync(deadline, ct).ConfigureAwait(false);
            var info = await LogInfoOnceAsync(url, deadline, ct).ConfigureAwait(false);
            if (info is null)
                continue;
            if (anyPeer || info.IsLeader)
                return info;
            await NotLeaderAsync("RequestLogInfo", url, info.LeaderId, deadline, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// RequestLogInfo of exactly the peer at <paramref name="peerUrl"/> (asked again until it answers or the call
    /// times out), whether it leads or not. Unlike zmq-raft's client, this never asks the leader instead.
    /// </summary>
    public async Task<RaftLogInfo> RequestLogInfoAsync(string peerUrl, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(peerUrl);
        var deadline = Deadline.After(_options.CallTimeout);
        while (true)
        {
            BeforeAttempt(deadline, $"RequestLogInfo of {peerUrl}", ct);
            if (await LogInfoOnceAsync(peerUrl, deadline, ct).ConfigureAwait(false) is { } info)
                return info;
        }
    }

    /// <summary>The url of the leader's broadcast PUB socket (RequestBroadcastStateUrl, <c>*</c>), asked of the leader.</summary>
    public Task<string> RequestBroadcastUrlAsync(CancellationToken ct = default) => FindPublisherAsync(Deadline.After(_options.CallTimeout), ct);

    private async Task<string> LeaderUrlAsync(Deadline deadline, CancellationToken ct) =>
        _view.LeaderUrl ?? (await FindLeaderAsync(deadline, ct).ConfigureAwait(false)).Url;

    /// <summary>RequestConfig to the known leader, else to each peer in turn, until a peer answers that it leads.</summary>
    private async Task<(string Url, RequestConfigResponse Config)> FindLeaderAsync(Deadline deadline, CancellationToken ct)
    {
        var followed = false;
        while (true)
        {
            BeforeAttempt(deadline, "finding the cluster's leader", ct);
            var url = _view.LeaderUrl ?? _view.NextUrl();
            var id = NextId();
            var answer = await AskOnceAsync(url, id, new RequestConfigRequest(id).Encode(_secret), deadline, ct).ConfigureAwait(false);
            if (answer is null)
            {
                NoAnswer("RequestConfig", url, _options.ResponseTimeout);
                followed = false;
                continue;
            }
            if (!RequestConfigResponse.TryDecode(answer, out var config, out var error))
            {
                ClientLog.Malformed(_log, "RequestConfig", url, error!.ToString());
                _view.Forget(url);
                await GraceAsync(deadline, ct).ConfigureAwait(false);
                continue;
            }
            if (_view.Update(url, config.IsLeader, config.LeaderId, config.Peers) && _view.LeaderUrl is { } leaderUrl)
                ClientLog.LeaderFound(_log, _view.LeaderId!, leaderUrl);
            if (config.IsLeader)
                return (url, config);
            ClientLog.NotLeader(_log, "RequestConfig", url, config.LeaderId);
            // Follow a named leader at once, but only once in a row: two peers naming each other wait like the rest.
            if (_view.LeaderUrl is null || followed)
            {
                followed = false;
                await GraceAsync(deadline, ct).ConfigureAwait(false);
            }
            else
            {
                followed = true;
            }
        }
    }

    private async Task<RaftLogInfo?> LogInfoOnceAsync(string url, Deadline deadline, CancellationToken ct)
    {
        var id = NextId();
        var answer = await AskOnceAsync(url, id, new RequestLogInfoRequest(id).Encode(_secret), deadline, ct).ConfigureAwait(false);
        if (answer is null)
        {
            NoAnswer("RequestLogInfo", url, _options.ResponseTimeout);
            return null;
        }
        if (!RequestLogInfoResponse.TryDecode(answer, out var r, out var error))
        {
            ClientLog.Malformed(_log, "RequestLogInfo", url, error!.ToString());
            await GraceAsync(deadline, ct).ConfigureAwait(false);
            return null;
        }
        return new RaftLogInfo(url, r.IsLeader, r.LeaderId, (long)r.CurrentTerm, (long)r.FirstIndex, (long)r.LastApplied,
            (long)r.CommitIndex, (long)r.LastIndex, (long)r.SnapshotSize, (long)r.PruneIndex);
    }

    /// <summary>
    /// Asks the leader (found afresh with RequestConfig) for its PUB url. Every node answers <c>*</c> in any state, so
    /// only the leader's answer is taken; an answer without a url means: find the leader again (PROTO.md).
    /// </summary>
    private async Task<string> FindPublisherAsync(Deadline deadline, CancellationToken ct)
    {
        while (true)
        {
            BeforeAttempt(deadline, "RequestBroadcastStateUrl", ct);
            var (url, _) = await FindLeaderAsync(deadline, ct).ConfigureAwait(false);
            var id = NextId();
            var answer = await AskOnceAsync(url, id, UrlRequest.BroadcastStateUrl(id).Encode(_secret), deadline, ct).ConfigureAwait(false);
            if (answer is null)
            {
                NoAnswer("RequestBroadcastStateUrl", url, _options.ResponseTimeout);
                continue;
            }
            if (UrlResponse.TryDecode(answer, out var response, out var error) && response.Url is { Length: > 0 } publisher)
                return publisher;
            if (error is not null)
                ClientLog.Malformed(_log, "RequestBroadcastStateUrl", url, error.ToString());
            _view.Forget(url);
            await GraceAsync(deadline, ct).ConfigureAwait(false);
        }
    }
}
