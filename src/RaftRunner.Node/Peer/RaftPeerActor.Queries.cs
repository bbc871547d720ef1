using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Client;
using RaftRunner.Node.Applying;
using RaftRunner.Node.Bridge;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft;

namespace RaftRunner.Node.Peer;

public sealed partial class RaftPeerActor
{
    /// <summary>
    /// A ClientDispatch whose second argument is this marker is run as a linearizable read: RaftRunner followers use
    /// it to have the leader answer (zmq-raft nodes pass arguments to their state machine and never send it).
    /// </summary>
    internal static readonly byte[] LinearizableMarker = "raft-runner:linearizable"u8.ToArray();

    /// <summary>Second frame of a ClientDispatch answer that is an error's text rather than the state machine's answer.</summary>
    internal static readonly byte[] ErrorMarker = "raft-runner:error"u8.ToArray();

    /// <summary>
    /// Second frame of the answer to a linearizable ClientDispatch sent to a node that does not lead: the third
    /// names the leader it knows (empty when none), so the asker goes there next.
    /// </summary>
    internal static readonly byte[] NotLeaderMarker = "raft-runner:not-leader"u8.ToArray();

    /// <summary>A linearizable read waiting for the core's ReadIndex: a local asker, or a client's ClientDispatch.</summary>
    private sealed record ReadToken(IActorRef? ReplyTo, ClientEnvelope? Envelope, ReadOnlyMemory<byte> ClientRequestId, ReadOnlyMemory<byte> Request);

    /// <summary>The leader answered a forwarded linearizable read (or the forwarding failed).</summary>
    private sealed record ForwardedRead(IActorRef ReplyTo, object Answer);

    private void OnQuery(QueryState query)
    {
        if (query.Consistency == ReadConsistency.Local)
            QueryLocally(Sender, query.Request);
        else
            _core.ReadIndex(new ReadToken(Sender, null, ReadOnlyMemory<byte>.Empty, query.Request));
    }

    /// <summary>The core's answer to a read: confirmed here (query now: the applier has reached the index), or go to the leader.</summary>
    private void AnswerRead(ReadToken token, ReadIndexResponse answer)
    {
        if (answer.IsLeader)
        {
            if (token.ReplyTo is { } replyTo)
                QueryLocally(replyTo, token.Request);
            else
                DispatchToApplier(token.Envelope!, token.ClientRequestId, token.Request);
        }
        else if (token.ReplyTo is { } replyTo)
            ForwardRead(replyTo, token.Request, answer.LeaderId);
        else
            Reply(token.Envelope!, new ClientDispatchResponse(token.ClientRequestId, [
                System.Text.Encoding.UTF8.GetBytes($"not the leader (leader: {answer.LeaderId ?? "unknown"})"), NotLeaderMarker,
                System.Text.Encoding.UTF8.GetBytes(answer.LeaderId ?? "")]));
    }

    /// <summary>The applier's turn runs the query after every batch given to it before: it sees at least what is applied now.</summary>
    private void QueryLocally(IActorRef replyTo, ReadOnlyMemory<byte> request)
    {
        var self = Self;
        _applier.Ask<QueryResult>(new QueryStateMachine(request), _settings.ChangeTimeout).ContinueWith(t => replyTo.Tell(
            !t.IsCompletedSuccessfully ? new QueryFailed(QueryFailure.Timeout, $"the state machine did not answer: {t.Exception?.GetBaseException().Message ?? "cancelled"}")
            : t.Result.Error is { } error ? new QueryFailed(QueryFailure.Rejected, error)
            : new QueryAnswered(t.Result.Response), self), TaskScheduler.Default);
    }

    /// <summary>
    /// Has the leader run a linearizable read: sent to the leader this node knows (else the one the client finds),
    /// and after a "not leader" answer to the leader that answer names, until change-timeout.
    /// </summary>
    private void ForwardRead(IActorRef replyTo, ReadOnlyMemory<byte> request, string? leaderId)
    {
        var client = Forwarder();
        var self = Self;
        var urls = _core.Configuration.AllPeers.ToDictionary(p => p.Id, p => p.Url);
        var deadline = DateTime.UtcNow + _settings.ChangeTimeout;
        _ = Task.Run(async () =>
        {
            object answer;
            try
            {
                var target = leaderId is not null && urls.TryGetValue(leaderId, out var known) ? known : null;
                while (true)
                {
                    var frames = await client.DispatchAsync([request, LinearizableMarker], target).ConfigureAwait(false);
                    if (frames.Count >= 2 && frames[1].Span.SequenceEqual(NotLeaderMarker))
                    {
                        if (DateTime.UtcNow > deadline)
                            throw new TimeoutException($"no leader within {_settings.ChangeTimeout}");
                        var next = frames.Count > 2 ? System.Text.Encoding.UTF8.GetString(frames[2].Span) : "";
                        target = urls.TryGetValue(next, out var url) && url != target ? url : null;
                        await Task.Delay(target is null ? 100 : 0).ConfigureAwait(false); // no leader known: an election is on
                        continue;
                    }
                    answer = frames.Count >= 2 && frames[1].Span.SequenceEqual(ErrorMarker)
                        ? new QueryFailed(QueryFailure.Rejected, System.Text.Encoding.UTF8.GetString(frames[0].Span))
                        : new QueryAnswered(frames.Count > 0 ? frames[0] : ReadOnlyMemory<byte>.Empty);
                    break;
                }
            }
            catch (Exception e)
            {
                answer = new QueryFailed(QueryFailure.Timeout, $"no leader confirmed the read: {e.Message}");
            }
            self.Tell(new ForwardedRead(replyTo, answer));
        });
    }

    /// <summary>The client that carries this node's changes and reads to the leader (any peer points it there).</summary>
    private RaftClient Forwarder() => _forwarder ??= new RaftClient(
        _core.Configuration.AllPeers.Select(p => p.Url),
        new RaftClientOptions { SecretBytes = _settings.Secret, CallTimeout = _settings.ChangeTimeout, Logger = _log });
}
