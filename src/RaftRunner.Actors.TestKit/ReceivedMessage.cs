namespace RaftRunner.Actors.TestKit;

/// <summary>A message a probe received, with its sender.</summary>
public sealed record ReceivedMessage(object Message, IActorRef Sender)
{
    public override string ToString() => $"{Describe(Message)} from {Sender.Path}";

    internal static string Describe(object message) => message.GetType().Name + " " + message;
}
