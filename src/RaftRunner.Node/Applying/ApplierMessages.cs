using RaftRunner.Protocol;

namespace RaftRunner.Node.Applying;

// The messages between the Raft peer actor and StateMachineApplierActor, which alone touches the user's
// IStateMachine (its calls never overlap).

/// <summary>Peer → applier: committed entries, in log order, the first at <see cref="FirstIndex"/>.</summary>
public sealed record ApplyEntries(long FirstIndex, IReadOnlyList<LogEntry> Entries, ulong CurrentTerm);

/// <summary>
/// Applier → peer: everything up to <see cref="LastIndex"/> is applied; <see cref="Outcomes"/> holds what the state
/// machine answered for the entries of watched request ids (<see cref="WatchOutcome"/>) in this batch, if any.
/// </summary>
public sealed record EntriesApplied(long LastIndex, IReadOnlyList<ApplyOutcome>? Outcomes = null);

/// <summary>
/// Peer → applier: a change with this request id was asked for on this node; when its entry is applied, report the
/// state machine's result or rejection in <see cref="EntriesApplied.Outcomes"/>. Sent before the change is
/// proposed, so it always arrives before the entry.
/// </summary>
public sealed record WatchOutcome(RequestId Id);

/// <summary>Peer → applier: the watched change ended without its entry being applied here (expired, timed out): stop watching.</summary>
public sealed record ForgetOutcome(RequestId Id);

/// <summary>
/// What applying the entry at <see cref="Index"/> gave: the state machine's <see cref="Result"/>, or the exception
/// with which it rejected the entry (<see cref="Error"/>; the entry stays applied, the state untouched).
/// </summary>
public sealed record ApplyOutcome(long Index, RequestId Id, object? Result, Exception? Error);

/// <summary>
/// Peer → applier: replace the state with the snapshot file at <see cref="SnapshotPath"/> (zmq-raft's snapshot
/// format; its data is RaftRunner's envelope around the state machine's bytes, or a foreign snapshot's raw data).
/// </summary>
public sealed record RestoreSnapshot(string SnapshotPath, long Index, ulong Term);

/// <summary>Applier → peer: the snapshot is restored; the state is as of <see cref="Index"/>.</summary>
public sealed record SnapshotRestored(long Index, SnapshotContents Contents);

/// <summary>
/// Peer (or snapshot manager) → applier: write a snapshot of the state as applied now into a new snapshot file
/// at <see cref="TargetPath"/> (written to a temporary file and renamed into place). The applier records the
/// configuration in force and the recent request ids in the envelope.
/// </summary>
public sealed record TakeSnapshot(string TargetPath);

/// <summary>Applier → asker: the snapshot file is written and durable.</summary>
public sealed record SnapshotTaken(string Path, long Index, ulong Term, long DataSize);

/// <summary>Applier → asker: taking or restoring a snapshot failed; the state machine is unchanged.</summary>
public sealed record SnapshotFailed(string Reason);

/// <summary>Peer → applier: a custom client request (ClientDispatch) for <c>IStateMachine.QueryAsync</c>.</summary>
public sealed record QueryStateMachine(ReadOnlyMemory<byte> Request);

/// <summary>Applier → asker: the state machine's answer (or the error it threw, as text).</summary>
public sealed record QueryResult(ReadOnlyMemory<byte> Response, string? Error = null);

/// <summary>→ applier: how far is the state machine? The answer is <see cref="AppliedIndex"/>.</summary>
public sealed record GetAppliedIndex
{
    public static readonly GetAppliedIndex Instance = new();
}

/// <summary>
/// Applier → asker: the state machine holds everything up to <see cref="Index"/>; when
/// <see cref="RestoreRequired"/> it holds something unknown (the applier failed) and must be restored first.
/// </summary>
public sealed record AppliedIndex(long Index, bool RestoreRequired);

/// <summary>
/// Peer → applier: the state machine already holds everything up to <see cref="Index"/> (a durable state machine
/// after a restart); go on from there. The configuration in force is given for the envelopes of later snapshots.
/// The applier answers <see cref="EntriesApplied"/>.
/// </summary>
public sealed record ResumeAt(long Index, ulong Term, ConfigEntryData? Configuration, long? ConfigurationIndex);

/// <summary>What an envelope recorded besides the state: the configuration and recent request ids (null for a foreign snapshot).</summary>
public sealed record SnapshotContents(ConfigEntryData? Configuration, IReadOnlyList<(RequestId Id, long Index)> RequestIds);
