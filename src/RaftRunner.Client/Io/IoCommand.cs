namespace RaftRunner.Client.Io;

/// <summary>Work other threads hand to the I/O thread (queued, then the poller is woken).</summary>
internal abstract record IoCommand
{
    private IoCommand()
    {
    }

    /// <summary>Registers the exchange at its peer and sends its first message.</summary>
    public sealed record Open(Exchange Exchange, ReadOnlyMemory<byte>[] Frames) : IoCommand;

    public sealed record Send(Exchange Exchange, ReadOnlyMemory<byte>[] Frames) : IoCommand;

    /// <summary>Unregisters the exchange; its messages not yet sent are dropped.</summary>
    public sealed record Close(Exchange Exchange) : IoCommand;

    public sealed record OpenSubscription(Subscription Subscription) : IoCommand;

    public sealed record ConnectSubscription(Subscription Subscription, string Url) : IoCommand;

    public sealed record CloseSubscription(Subscription Subscription) : IoCommand;
}
