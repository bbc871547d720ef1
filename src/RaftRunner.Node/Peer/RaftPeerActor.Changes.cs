using RaftRunner.Actors;
using RaftRunner.Protocol;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Node.Peer;

public sealed partial class RaftPeerActor
{
    /// <summary>A change asked for inside this process: the answer goes back to the asker as a message.</summary>
    private sealed record LocalChangeToken(IActorRef ReplyTo, RequestId Id);

    private void OnChange(ChangeStateMachine change)
    {
        var id = change.RequestId ?? RequestId.New();
        var token = new LocalChangeToken(Sender, id);
        if (!_core.RequestUpdate(token, id, change.Data, DateTimeOffset.UtcNow))
            Sender.Tell(new ChangeFailed(ChangeFailure.Refused, $"the change is empty or larger than {_settings.MaxLogEntryDataSize} bytes (max-log-entry-data-size)"));
    }

    /// <summary>The core's answers to a local change: "accepted" is only a keep-alive; the rest end it.</summary>
    private static void AnswerLocalChange(LocalChangeToken token, object response)
    {
        if (response is not RequestUpdateResponse answer)
            return;
        switch (answer.Outcome)
        {
            case RequestUpdateOutcome.Committed:
                token.ReplyTo.Tell(new ChangeApplied((long)answer.Index, token.Id));
                break;
            case RequestUpdateOutcome.NotLeader:
                token.ReplyTo.Tell(new ChangeFailed(ChangeFailure.NotLeader, $"not the leader (leader: {answer.LeaderId ?? "unknown"})", answer.LeaderId));
                break;
            case RequestUpdateOutcome.Expired:
                token.ReplyTo.Tell(new ChangeFailed(ChangeFailure.Expired, $"request id {token.Id} is outside the accept window"));
                break;
        }
    }
}
