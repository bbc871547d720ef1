namespace RaftRunner.Actors.Internal;

/// <summary>Which lifecycle hook a cell is in, or started a task from (a byte: it sits in every idle actor).</summary>
internal enum LifecycleHook : byte
{
    None,
    PreStart,
    PostRestart,
    PreRestart,
    PostStop,
}
