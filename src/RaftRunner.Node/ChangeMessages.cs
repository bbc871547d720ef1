using RaftRunner.Protocol;

namespace RaftRunner.Node;

/// <summary>
/// → RaftRunnerActor: replicate <see cref="Data"/> as one STATE entry (DESIGN.md "What a user does"), on any node:
/// a follower forwards it to the leader itself. The answer is <see cref="ChangeApplied"/> once the entry is
/// committed and applied on this node, or <see cref="ChangeFailed"/> (expired, refused, or not committed within
/// change-timeout). Retrying with the same <see cref="RequestId"/> never applies the change twice.
/// </summary>
public sealed record ChangeStateMachine(ReadOnlyMemory<byte> Data, RequestId? RequestId = null);

/// <summary>
/// The change is committed at <see cref="Index"/> and applied on this node; <see cref="Result"/> is what this node's
/// state machine returned for it (null when it returned nothing, or when a retried request id found the entry
/// applied before this node asked).
/// </summary>
public sealed record ChangeApplied(long Index, RequestId RequestId, object? Result = null);

/// <summary>Why a change was not applied.</summary>
public enum ChangeFailure
{
    /// <summary>The change could not be committed in time (no leader reachable within change-timeout).</summary>
    Timeout,

    /// <summary>The request id is outside the accept window (request-id-ttl and its margin): it will never be applied.</summary>
    Expired,

    /// <summary>Empty data, or more than max-log-entry-data-size: refused without being appended.</summary>
    Refused,

    /// <summary>
    /// Committed at <see cref="ChangeFailed.Index"/>, but the state machine rejected it (threw; the exception is
    /// <see cref="ChangeFailed.Error"/>): the entry stays in the log with no effect on the state, on every node.
    /// </summary>
    ApplyFailed,
}

/// <summary>
/// The change was not applied; <see cref="LeaderId"/> names the leader when known. For
/// <see cref="ChangeFailure.ApplyFailed"/>, <see cref="Index"/> is the entry's index and <see cref="Error"/> what the
/// state machine threw.
/// </summary>
public sealed record ChangeFailed(ChangeFailure Reason, string Message, string? LeaderId = null, long Index = 0, Exception? Error = null);

/// <summary>
/// → RaftRunnerActor: take this node out of the cluster (a ConfigUpdate without it, sent to the leader). The answer
/// is <see cref="LeftCluster"/> once the change is done (Cnew appended), or <see cref="ChangeFailed"/>. The node keeps
/// running as a CLIENT afterwards; stop it when you like.
/// </summary>
public sealed record LeaveCluster
{
    public static readonly LeaveCluster Instance = new();
}

/// <summary>The cluster no longer includes this node; <see cref="JointIndex"/> is the joint entry of the change.</summary>
public sealed record LeftCluster(long JointIndex);
