namespace RaftRunner.Actors;

/// <summary>
/// Messages set aside to be processed later. Unstashed messages go to the front of the mailbox, in the
/// order they were stashed, ahead of anything that arrived meanwhile. On restart the stash is unstashed
/// for the new instance; on stop its messages become dead letters.
/// </summary>
public interface IStash
{
    int Count { get; }

    /// <summary>
    /// Sets the current message (and its sender) aside. Stashing the same delivery twice is an error; the
    /// same message object told twice (a singleton such as <c>Tick.Instance</c>) is two deliveries.
    /// </summary>
    void Stash();

    /// <summary>Returns the oldest stashed message to the front of the mailbox.</summary>
    void Unstash();

    void UnstashAll();

    /// <summary>Drops every stashed message.</summary>
    void ClearStash();
}
