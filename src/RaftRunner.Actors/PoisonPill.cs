namespace RaftRunner.Actors;

/// <summary>An ordinary message that stops the actor when it reaches the head of the mailbox, so earlier messages are processed first.</summary>
public sealed class PoisonPill
{
    public static readonly PoisonPill Instance = new();

    private PoisonPill() { }

    public override string ToString() => nameof(PoisonPill);
}
