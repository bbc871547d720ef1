using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Client;
using RaftRunner.Node.Applying;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Node.Peer;

public sealed partial class RaftPeerActor
{
    private readonly List<(long Index, LocalChangeToken Token)> _forwardedWaiting = [];
    private readonly Dictionary<RequestId, ApplyOutcome> _outcomes = [];
    private RaftClient? _forwarder;

    /// <summary>A change asked for inside this process: the answer goes back to the asker as a message.</summary>
    private sealed record LocalChangeToken(IActorRef ReplyTo, RequestId Id, ReadOnlyMemory<byte> Data);

    /// <summary>A forwarded change committed at <see cref="Index"/>, or failed.</summary>
    private sealed record ForwardedChange(LocalChangeToken Token, long Index, Exception? Error);

    private void OnChange(ChangeStateMachine change)
    {
        var id = change.RequestId ?? RequestId.New();
        var token = new LocalChangeToken(Sender, id, change.Data);
        _applier.Tell(new WatchOutcome(id)); // before the entry can exist, so the applier sees the watch first
        if (!_core.RequestUpdate(token, id, change.Data, DateTimeOffset.UtcNow))
            Fail(token, new ChangeFailed(ChangeFailure.Refused, $"the change is empty or larger than {_settings.MaxLogEntryDataSize} bytes (max-log-entry-data-size)"));
    }

    /// <summary>Outcomes of watched changes, kept until their asker is answered (which happens once the entry is applied here).</summary>
    private void KeepOutcomes(IReadOnlyList<ApplyOutcome>? outcomes)
    {
        if (outcomes is null)
            return;
        foreach (var outcome in outcomes)
            _outcomes[outcome.Id] = outcome;
    }

    /// <summary>The entry is applied here: the asker gets the state machine's result, or its rejection.</summary>
    private void AnswerApplied(LocalChangeToken token, long index)
    {
        if (!_outcomes.Remove(token.Id, out var outcome))
        {
            // Applied before the watch (a retried request id): nothing to report but the index.
            _applier.Tell(new ForgetOutcome(token.Id));
            token.ReplyTo.Tell(new ChangeApplied(index, token.Id));
        }
        else if (outcome.Error is { } error)
            token.ReplyTo.Tell(new ChangeFailed(ChangeFailure.ApplyFailed, $"the state machine rejected the change at index {outcome.Index}: {error.Message}", _core.LeaderId, outcome.Index, error));
        else
            token.ReplyTo.Tell(new ChangeApplied(outcome.Index, token.Id, outcome.Result));
    }

    private void Fail(LocalChangeToken token, ChangeFailed failure)
    {
        _applier.Tell(new ForgetOutcome(token.Id));
        _outcomes.Remove(token.Id);
        token.ReplyTo.Tell(failure);
    }

    /// <summary>
    /// The core's answers to a local change: "accepted" is only a keep-alive; "not leader" sends the change to the
    /// leader as a client would (same request id: never applied twice), so the asker never sees "not leader".
    /// </summary>
    private void AnswerLocalChange(LocalChangeToken token, object response)
    {
        if (response is not RequestUpdateResponse answer)
            return;
        switch (answer.Outcome)
        {
            case RequestUpdateOutcome.Committed:
                AnswerApplied(token, (long)answer.Index);
                break;
            case RequestUpdateOutcome.NotLeader:
                Forward(token);
                break;
            case RequestUpdateOutcome.Expired:
                Fail(token, new ChangeFailed(ChangeFailure.Expired, $"request id {token.Id} is outside the accept window"));
                break;
        }
    }

    private void Forward(LocalChangeToken token)
    {
        var self = Self;
        var client = Forwarder();
        _ = Task.Run(async () =>
        {
            try
            {
                var index = await client.RequestUpdateAsync(token.Data, token.Id).ConfigureAwait(false);
                self.Tell(new ForwardedChange(token, index, null));
            }
            catch (Exception e)
            {
                self.Tell(new ForwardedChange(token, 0, e));
            }
        });
    }

    /// <summary>Committed at the leader: answered once this node has applied it too (the asker reads local state next).</summary>
    private void OnForwarded(ForwardedChange forwarded)
    {
        if (forwarded.Error is { } error)
        {
            var reason = error is RequestExpiredException ? ChangeFailure.Expired : ChangeFailure.Timeout;
            _log.LogWarning("a change forwarded to the leader failed: {Error}", error.Message);
            Fail(forwarded.Token, new ChangeFailed(reason, error.Message, _core.LeaderId));
            return;
        }
        _forwardedWaiting.Add((forwarded.Index, forwarded.Token));
        AnswerForwardedApplied();
    }

    private void AnswerForwardedApplied()
    {
        for (var i = _forwardedWaiting.Count - 1; i >= 0; i--)
        {
            var (index, token) = _forwardedWaiting[i];
            if (index <= _core.LastApplied)
            {
                _forwardedWaiting.RemoveAt(i);
                AnswerApplied(token, index);
            }
        }
    }

    protected override void PostStop() => _forwarder?.Dispose();
}
