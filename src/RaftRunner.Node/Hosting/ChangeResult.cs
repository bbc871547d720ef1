using RaftRunner.Protocol;

namespace RaftRunner.Hosting;

/// <summary>
/// A change committed at <see cref="Index"/> and applied on this node; <see cref="Result"/> is what this node's state
/// machine returned from <c>ApplyAsync</c> for it (null when it returned nothing, or when a retry with the same
/// request id found the change applied before).
/// </summary>
public sealed record ChangeResult(long Index, RequestId RequestId, object? Result);
