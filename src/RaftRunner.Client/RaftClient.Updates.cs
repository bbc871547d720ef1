using System.Runtime.CompilerServices;
using RaftRunner.Client.Io;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Client;

// Changing the cluster: RequestUpdate, ConfigUpdate.
public sealed partial class RaftClient
{
    private static readonly TimeSpan MaxBusyRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Appends <paramref name="data"/> to the log as a STATE entry and returns its index once the leader has
    /// committed and applied it. The request carries <paramref name="requestId"/> (a fresh one when null) and is
    /// sent again with the same id — to the next peer after a silent 500 ms, to the leader a peer names, after the
    /// election grace delay when none is known — so the entry is written once however many times it is sent.
    /// "Accepted" answers restart the wait for the peer.
    /// </summary>
    /// <exception cref="RequestExpiredException">the leader refused the id as expired (older than its request-id TTL).</exception>
    /// <exception cref="TimeoutException">not committed within <see cref="RaftClientOptions.CallTimeout"/>; the entry may still commit later.</exception>
    /// <remarks>zmq-raft drops empty data, and data above its max-log-entry-data-size, without any answer; empty data is refused here.</remarks>
    public async Task<long> RequestUpdateAsync(ReadOnlyMemory<byte> data, RequestId? requestId = null, CancellationToken ct = default)
    {
        if (data.IsEmpty)
            throw new ArgumentException("zmq-raft drops an update with no data without answering it", nameof(data));
        var id = requestId ?? RequestId.New();
        var frames = new RequestUpdateRequest(id, data).Encode(_secret);
        var deadline = Deadline.After(_options.CallTimeout);
        var what = $"RequestUpdate {id}";
        while (true)
        {
            BeforeAttempt(deadline, what, ct);
            var url = await LeaderUrlAsync(deadline, ct).ConfigureAwait(false);
            using var exchange = _io.Open(url, WireKey.Of(id), frames);
            while (true)
            {
                var answer = await exchange.ReceiveAsync(deadline.Cap(_options.ResponseTimeout), ct).ConfigureAwait(false);
                if (answer is null)
                {
                    NoAnswer("RequestUpdate", url, _options.ResponseTimeout);
                    break;
                }
                if (!RequestUpdateResponse.TryDecode(answer, out var response, out var error))
                {
                    ClientLog.Malformed(_log, "RequestUpdate", url, error!.ToString());
                    continue;
                }
                if (response.Outcome == RequestUpdateOutcome.Accepted)
                    continue; // appended, not applied yet: wait again, a full response timeout
                if (response.Outcome == RequestUpdateOutcome.Committed)
                    return (long)response.Index;
                if (response.Outcome == RequestUpdateOutcome.Expired)
                    throw new RequestExpiredException(id, "RequestUpdate");
                await NotLeaderAsync("RequestUpdate", url, response.LeaderId, deadline, ct).ConfigureAwait(false);
                break;
            }
        }
    }

    /// <summary>
    /// Changes the cluster's membership to <paramref name="peers"/> (the complete new list) by joint consensus and
    /// returns the index of the joint (Cold,new) entry; the leader answers once Cnew is appended. Sent again with the
    /// same request id across peers and leader changes, as <see cref="RequestUpdateAsync"/> is. While another change
    /// is in progress (status 3) it is retried with backoff (<see cref="RaftClientOptions.BusyRetryDelay"/>, doubling
    /// up to 2 s).
    /// </summary>
    /// <exception cref="ConfigUpdateRejectedException">the leader refused the peer list (status 2), with its reason.</exception>
    /// <exception cref="ClusterBusyException">the cluster was still busy with another change when the call timed out.</exception>
    /// <exception cref="RequestExpiredException">the leader refused the request id as expired (status 4).</exception>
    /// <exception cref="TimeoutException">no final answer within <see cref="RaftClientOptions.CallTimeout"/>.</exception>
    public async Task<long> ConfigUpdateAsync(IReadOnlyList<PeerInfo> peers, RequestId? requestId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(peers);
        if (peers.Any(p => p.Id is null || p.Url is null))
            throw new ArgumentException("every peer needs an id and a url (the leader judges their values)", nameof(peers));
        var id = requestId ?? RequestId.New();
        var deadline = Deadline.After(_options.CallTimeout);
        var busy = new StrongBox<bool>();
        try
        {
            return await ConfigUpdateCoreAsync(id, new ConfigUpdateRequest(id, peers).Encode(_secret), deadline, busy, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e) when (busy.Value)
        {
            throw new ClusterBusyException($"ConfigUpdate {id}: the cluster was still busy with another configuration change after {deadline.Budget}", e);
        }
    }

    /// <summary>ConfigUpdate's retries; <paramref name="busy"/> says whether the last answer was "busy".</summary>
    private async Task<long> ConfigUpdateCoreAsync(RequestId id, ReadOnlyMemory<byte>[] frames, Deadline deadline, StrongBox<bool> busy, CancellationToken ct)
    {
        var backoff = _options.BusyRetryDelay;
        var what = $"ConfigUpdate {id}";
        while (true)
        {
            BeforeAttempt(deadline, what, ct);
            var url = await LeaderUrlAsync(deadline, ct).ConfigureAwait(false);
            using var exchange = _io.Open(url, WireKey.Of(id), frames);
            while (true)
            {
                var answer = await exchange.ReceiveAsync(deadline.Cap(_options.ResponseTimeout), ct).ConfigureAwait(false);
                if (answer is null)
                {
                    NoAnswer("ConfigUpdate", url, _options.ResponseTimeout);
                    break;
                }
                if (!ConfigUpdateResponse.TryDecode(answer, out var response, out var error))
                {
                    ClientLog.Malformed(_log, "ConfigUpdate", url, error!.ToString());
                    continue;
                }
                busy.Value = response.Status == ConfigUpdateStatus.Busy;
                switch (response.Status)
                {
                    case ConfigUpdateStatus.Accepted when response.Index is { } index:
                        return (long)index;
                    case ConfigUpdateStatus.Accepted:
                        continue; // Cold,new appended, not committed yet: wait again
                    case ConfigUpdateStatus.ConfigError:
                        throw new ConfigUpdateRejectedException(response.ErrorName, response.ErrorMessage);
                    case ConfigUpdateStatus.Expired:
                        throw new RequestExpiredException(id, "ConfigUpdate");
                    case ConfigUpdateStatus.Busy:
                        ClientLog.Busy(_log, backoff);
                        await Task.Delay(deadline.Cap(backoff), ct).ConfigureAwait(false);
                        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, Math.Max(MaxBusyRetryDelay.Ticks, _options.BusyRetryDelay.Ticks)));
                        break;
                    default:
                        await NotLeaderAsync("ConfigUpdate", url, response.LeaderId, deadline, ct).ConfigureAwait(false);
                        break;
                }
                break;
            }
        }
    }
}
