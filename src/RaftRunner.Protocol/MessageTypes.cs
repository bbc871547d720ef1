namespace RaftRunner.Protocol;

/// <summary>
/// The one-byte message types of zmq-raft (lib/common/constants.js). Types of two or more bytes are free for
/// applications (ClientDispatch); zmq-raft forwards unknown one-byte types to its state machine too, which
/// is how the broadcast state machine (<c>*</c>) and the web monitor (<c>W</c>) add their requests.
/// </summary>
public static class MessageTypes
{
    public const byte AppendEntries = (byte)'+';
    public const byte RequestVote = (byte)'?';
    public const byte InstallSnapshot = (byte)'$';
    public const byte RequestUpdate = (byte)'=';
    public const byte ConfigUpdate = (byte)'&';
    public const byte RequestEntries = (byte)'<';
    public const byte RequestConfig = (byte)'^';
    public const byte RequestLogInfo = (byte)'%';
    public const byte RequestBroadcastStateUrl = (byte)'*';
    public const byte RequestWebMonitorUrl = (byte)'W';

    /// <summary>The cached one-byte frame for a type.</summary>
    public static ReadOnlyMemory<byte> Frame(byte type) => Frames.FrameCodec.EncodeUInt(type);
}
