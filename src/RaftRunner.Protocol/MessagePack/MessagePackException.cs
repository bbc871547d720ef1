namespace RaftRunner.Protocol.MessagePack;

/// <summary>Thrown by the throwing MessagePack entry points (<see cref="MessagePackCodec.Decode(ReadOnlySpan{byte})"/>) on malformed input.</summary>
public sealed class MessagePackException : Exception
{
    public MessagePackException()
        : this("invalid MessagePack")
    {
    }

    public MessagePackException(string message)
        : this(message, -1)
    {
    }

    public MessagePackException(string message, Exception innerException)
        : base(message, innerException)
    {
        Offset = -1;
    }

    public MessagePackException(string message, int offset)
        : base(message)
    {
        Offset = offset;
    }

    /// <summary>The byte offset in the input where the problem was found, or -1 when not about input bytes.</summary>
    public int Offset { get; }
}
