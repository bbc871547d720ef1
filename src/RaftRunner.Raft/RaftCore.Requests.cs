using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Raft;

public sealed partial class RaftCore
{
    private readonly List<(object Token, RequestId Id, long? Index)> _updateWaiters = [];

    /// <summary>
    /// RequestUpdate (spec §6.1): idempotent by request id. Answers go out in the Ready as <see cref="ClientReply"/>:
    /// "accepted" at once, "committed" with the index once the entry is applied, "not leader" with the known
    /// leader, or "expired" for a fresh request whose id is outside the accept window. <paramref name="now"/> is
    /// the host's wall clock, passed in so the core stays pure. Returns false when the request is dropped without
    /// an answer (empty or oversized data), as zmq-raft does.
    /// </summary>
    public bool RequestUpdate(object token, RequestId id, ReadOnlyMemory<byte> data, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (data.IsEmpty || data.Length > _options.MaxLogEntryDataSize)
            return false;
        if (Role != RaftRole.Leader || _transfer is not null)
        {
            // During a leadership transfer the client is told no leader is known: it waits and asks again.
            _replies.Add(new ClientReply(token, RequestUpdateResponse.NotLeader(id, Role == RaftRole.Leader ? null : LeaderId)));
            return true;
        }
        if (_updateWaiters.Exists(w => w.Id == id) && !Broken(CoreFaults.IgnoreRequestIdCache))
        {
            _replies.Add(new ClientReply(token, RequestUpdateResponse.Accepted(id)));
            return true;
        }
        if (!Broken(CoreFaults.IgnoreRequestIdCache) && _log.TryGetRequestIndex(id, out var index))
        {
            if (index <= LastApplied)
            {
                _replies.Add(new ClientReply(token, RequestUpdateResponse.Committed(id, (ulong)index)));
            }
            else
            {
                _updateWaiters.Add((token, id, index));
                _replies.Add(new ClientReply(token, RequestUpdateResponse.Accepted(id)));
            }
            return true;
        }
        if (!IsFresh(id, now))
        {
            _replies.Add(new ClientReply(token, RequestUpdateResponse.Expired(id)));
            return true;
        }
        _replies.Add(new ClientReply(token, RequestUpdateResponse.Accepted(id)));
        var appended = Propose(LogEntry.Create(id, LogEntryType.State, Term, data.Span));
        _updateWaiters.Add((token, id, appended));
        return true;
    }

    /// <summary>zmq-raft's accept window: now − (ttl − margin) ≤ t ≤ now + margin, both ends inclusive (spec §6.1.5).</summary>
    private bool IsFresh(RequestId id, DateTimeOffset now)
    {
        if (_options.RequestIdTtl is not { } ttl)
            return true;
        var t = id.Seconds * 1000L;
        var nowMs = now.ToUnixTimeMilliseconds();
        var margin = (long)_options.RequestIdTtlAcceptMargin.TotalMilliseconds;
        return nowMs - ((long)ttl.TotalMilliseconds - margin) <= t && t <= nowMs + margin;
    }

    /// <summary>Answers every waiter whose entry is now applied (success comes after apply, spec §6.1 point 6).</summary>
    private void AnswerAppliedWaiters()
    {
        for (var i = _updateWaiters.Count - 1; i >= 0; i--)
        {
            var (token, id, index) = _updateWaiters[i];
            if (index is { } at && at <= LastApplied)
            {
                _replies.Add(new ClientReply(token, RequestUpdateResponse.Committed(id, (ulong)at)));
                _updateWaiters.RemoveAt(i);
            }
        }
    }

    /// <summary>zmq-raft's _clearClientRequests on leaving LEADER/CANDIDATE: everyone waiting hears "not leader" (spec §6.1.6).</summary>
    private void ClearClientRequests()
    {
        foreach (var (token, id, _) in _updateWaiters)
            _replies.Add(new ClientReply(token, RequestUpdateResponse.NotLeader(id, LeaderId)));
        _updateWaiters.Clear();
    }
}
