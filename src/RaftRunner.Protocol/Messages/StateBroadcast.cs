using RaftRunner.Protocol.Frames;

namespace RaftRunner.Protocol.Messages;

/// <summary>
/// StateBroadcast message (PROTO.md), fanned out on the leader's PUB socket: the leader's term, the last
/// applied index, and the entries applied since the previous broadcast (none in a heartbeat).
/// </summary>
public readonly record struct StateBroadcast(ulong Term, ulong LastIndex, IReadOnlyList<LogEntry> Entries)
{
    private const string Name = "StateBroadcast";
    private const int HeaderFrames = 3;

    public ReadOnlyMemory<byte>[] Encode(ReadOnlyMemory<byte> secret)
    {
        var frames = new ReadOnlyMemory<byte>[HeaderFrames + Entries.Count];
        frames[0] = secret;
        frames[1] = FrameCodec.EncodeUInt(Term);
        frames[2] = FrameCodec.EncodeUInt(LastIndex);
        for (var i = 0; i < Entries.Count; i++)
            frames[HeaderFrames + i] = Entries[i].Raw;
        return frames;
    }

    /// <summary>Decodes a broadcast whose first frame must equal <paramref name="secret"/> (the PUB prefix subscribers filter on).</summary>
    public static bool TryDecode(IReadOnlyList<ReadOnlyMemory<byte>> frames, ReadOnlySpan<byte> secret, out StateBroadcast broadcast, out ProtocolError? error)
    {
        var r = new FrameReader(frames, Name);
        if (r.FrameCount(HeaderFrames)
            && (r[1].Span.SequenceEqual(secret) || r.Fail(1, "cluster ident does not match"))
            && r.UInt(2, out var term) && r.UInt(3, out var last) && r.Entries(HeaderFrames + 1, out var entries))
        {
            broadcast = new StateBroadcast(term, last, entries);
            error = null;
            return true;
        }
        broadcast = default;
        error = r.Error;
        return false;
    }
}
