using RaftRunner.ZeroMq;

namespace RaftRunner.Node.Bridge;

/// <summary>
/// Copies a received message out of its pooled receive buffer, which the next receive reuses. One array holds
/// every frame, so a decoded AppendEntries' entries are views into it and are not copied again.
/// </summary>
internal static class FrameCopy
{
    public static ReadOnlyMemory<byte>[] Copy(ZmqMessage message, int first)
    {
        var count = message.Count - first;
        if (count <= 0)
            return [];
        var total = 0;
        for (var i = first; i < message.Count; i++)
            total += message[i].Length;
        var storage = new byte[total];
        var frames = new ReadOnlyMemory<byte>[count];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var frame = message[first + i].Span;
            frame.CopyTo(storage.AsSpan(offset));
            frames[i] = new ReadOnlyMemory<byte>(storage, offset, frame.Length);
            offset += frame.Length;
        }
        return frames;
    }
}
