using RaftRunner.Actors;
using RaftRunner.Node.Applying;
using RaftRunner.Node.Bridge;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft;
using RaftRunner.Raft.Requests;

namespace RaftRunner.Node.Peer;

public sealed partial class RaftPeerActor
{
    private readonly Dictionary<long, (ClientEnvelope Envelope, ReadOnlyMemory<byte> RequestId)> _queries = [];
    private long _nextQuery;

    /// <summary>Every client RPC of PROTO.md, answered as zmq-raft answers it (docs/zmq-raft-core-behaviour.md §6).</summary>
    private void OnClientRequest(ClientRequestReceived c)
    {
        var token = new ClientToken(c.Envelope);
        var now = DateTimeOffset.UtcNow;
        switch (c.Request)
        {
            case RequestUpdateRequest r:
                _core.RequestUpdate(token, r.RequestId, r.Data, now);
                break;
            case ConfigUpdateRequest r:
                _core.ConfigUpdate(token, r.RequestId, c.RawPeers ?? Protocol.MessagePack.MessagePackValue.Nil, now);
                break;
            case RequestConfigRequest r:
                Reply(c, new RequestConfigResponse(r.RequestId, _core.Role == RaftRole.Leader, _core.LeaderId, _core.Configuration.AllPeers));
                break;
            case RequestLogInfoRequest r:
                Reply(c, new RequestLogInfoResponse(
                    r.RequestId, _core.Role == RaftRole.Leader, _core.LeaderId, _core.Term, (ulong)_storage.Log.FirstIndex,
                    (ulong)_core.LastApplied, (ulong)_core.CommitIndex, (ulong)_core.LastIndex, (ulong)_storage.SnapshotSize,
                    (ulong)_storage.Log.PruneIndex));
                break;
            case RequestEntriesRequest r:
                var key = EntriesStreamKey.Of(c.Envelope.Identity.Span, r.RequestId);
                foreach (var response in _entries.Handle(key, r, _storage.Reader, _core.LastApplied, _core.Role == RaftRole.Leader, _core.LeaderId, Environment.TickCount64))
                    Reply(c, response);
                break;
            case UrlRequest r when r.Type == MessageTypes.RequestBroadcastStateUrl:
                Reply(c, new UrlResponse(r.RequestId, _settings.PubUrl)); // answered in every state (spec §6.5)
                break;
            case UrlRequest r:
                Reply(c, new UrlResponse(r.RequestId, _settings.WebMonitorUrl));
                break;
            case ClientDispatchRequest r:
                var payload = r.Arguments.Count > 0 ? r.Arguments[0] : ReadOnlyMemory<byte>.Empty;
                if (r.Arguments.Count > 1 && r.Arguments[1].Span.SequenceEqual(LinearizableMarker))
                    _core.ReadIndex(new ReadToken(null, c.Envelope, r.RequestId, payload));
                else
                    DispatchToApplier(c.Envelope, r.RequestId, payload);
                break;
        }
    }

    /// <summary>A custom client request for the state machine; the answer goes back on the peer's turn.</summary>
    private void DispatchToApplier(ClientEnvelope envelope, ReadOnlyMemory<byte> requestId, ReadOnlyMemory<byte> payload)
    {
        var id = ++_nextQuery;
        _queries[id] = (envelope, requestId);
        var self = Self;
        _applier.Ask<QueryResult>(new QueryStateMachine(payload), TimeSpan.FromSeconds(30))
            .ContinueWith(t => self.Tell(new QueryAnswer(id, t.IsCompletedSuccessfully ? t.Result : new QueryResult(ReadOnlyMemory<byte>.Empty, t.Exception?.GetBaseException().Message ?? "cancelled"))),
                TaskScheduler.Default);
    }

    private void AnswerQuery(QueryAnswer answer)
    {
        if (!_queries.Remove(answer.Id, out var query))
            return;
        // An error is its text and a marker frame, so a client can tell it from an answer.
        ReadOnlyMemory<byte>[] frames = answer.Result.Error is { } error
            ? [System.Text.Encoding.UTF8.GetBytes(error), ErrorMarker]
            : [answer.Result.Response];
        _bridge.Tell(new ReplyToClient(query.Envelope, new ClientDispatchResponse(query.RequestId, frames)));
    }

    private void Reply(ClientRequestReceived c, object response) => Reply(c.Envelope, response);

    private void Reply(ClientEnvelope envelope, object response) => _bridge.Tell(new ReplyToClient(envelope, response));

    /// <summary>The state machine's answer to a custom request, back on the peer's own turn.</summary>
    private sealed record QueryAnswer(long Id, QueryResult Result);
}
