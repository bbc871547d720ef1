using System.Diagnostics.CodeAnalysis;
using RaftRunner.ZeroMq.Native;

namespace RaftRunner.ZeroMq;

// Sending and receiving.
//
// Sending copies each frame into a libzmq message (zmq_send). Zero-copy sending (zmq_msg_init_data with a
// free callback) would need the caller to give up its buffer until libzmq's I/O thread is done with it,
// which ReadOnlyMemory cannot express: a pooled buffer returned right after the call would be read while
// being reused. The copy costs about 1 ms per 10 MB, far below the network cost of the same frame.
//
// Receiving uses one zmq_msg_t on the stack for every frame of a message and copies each frame into the
// pooled buffer of a ZmqMessage, so the message owns plain managed memory and libzmq's buffer is freed
// at once.
public sealed unsafe partial class ZmqSocket
{
    /// <summary>
    /// Sends one frame. With <see cref="ZmqSendFlags.SendMore"/> further frames of the same message must
    /// follow. Returns false when the message cannot be queued now (with <see cref="ZmqSendFlags.DontWait"/>)
    /// or before <see cref="SendTimeout"/> ran out.
    /// </summary>
    public bool TrySendFrame(ReadOnlySpan<byte> frame, ZmqSendFlags flags = ZmqSendFlags.None)
    {
        var socket = Enter();
        try
        {
            return SendFrame(socket, frame, (int)flags, "zmq_send");
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Sends the frames as one message; returns false, having sent nothing, when it cannot be queued now
    /// (with <see cref="ZmqSendFlags.DontWait"/>) or within <see cref="SendTimeout"/>.
    /// <see cref="ZmqSendFlags.SendMore"/> marks the last frame as followed by more.
    /// </summary>
    /// <remarks>
    /// A ROUTER's first frame is the peer's routing id. Without <see cref="RouterMandatory"/>, a message
    /// to an unknown or full peer is dropped silently and this returns true; with it, an unknown peer
    /// throws (EHOSTUNREACH) and a full one returns false. PUB never blocks: it drops for slow subscribers.
    /// </remarks>
    public bool TrySendMultipart(IReadOnlyList<ReadOnlyMemory<byte>> frames, ZmqSendFlags flags = ZmqSendFlags.None)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var count = frames.Count;
        if (count == 0)
            throw new ArgumentException("A message has at least one frame.", nameof(frames));
        var tail = (int)(flags & ZmqSendFlags.SendMore);
        var socket = Enter();
        try
        {
            var first = (int)(flags & ZmqSendFlags.DontWait) | (count == 1 ? tail : (int)ZmqSendFlags.SendMore);
            if (!SendFrame(socket, frames[0].Span, first, "zmq_send"))
                return false;
            // libzmq counts its high-water marks in whole messages, so once it has taken the first frame it
            // takes the rest without waiting; sending them blocking guarantees no half message is left queued.
            for (var i = 1; i < count; i++)
            {
                var more = i < count - 1 ? (int)ZmqSendFlags.SendMore : tail;
                if (!SendFrame(socket, frames[i].Span, more, "zmq_send"))
                    throw ZmqError.Create($"zmq_send(frame {i} of {count})", ZmqErrorCode.Again);
            }
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Sends the frames as one message, waiting as long as <see cref="SendTimeout"/> allows; throws EAGAIN when it runs out.</summary>
    public void SendMultipart(IReadOnlyList<ReadOnlyMemory<byte>> frames)
    {
        if (!TrySendMultipart(frames))
            throw ZmqError.Create("zmq_send (ZMQ_SNDTIMEO expired)", ZmqErrorCode.Again);
    }

    /// <summary>
    /// Receives every frame of the next message into a new <see cref="ZmqMessage"/>, which the caller
    /// must dispose. Returns false when none arrives (at once with <see cref="ZmqReceiveFlags.DontWait"/>,
    /// otherwise within <see cref="ReceiveTimeout"/>).
    /// </summary>
    public bool TryReceiveMultipart([NotNullWhen(true)] out ZmqMessage? message, ZmqReceiveFlags flags = ZmqReceiveFlags.None)
    {
        var received = new ZmqMessage();
        if (TryReceiveMultipart(received, flags))
        {
            message = received;
            return true;
        }
        received.Dispose();
        message = null;
        return false;
    }

    /// <summary>As <see cref="TryReceiveMultipart(out ZmqMessage?, ZmqReceiveFlags)"/>, reusing <paramref name="message"/> (cleared first).</summary>
    public bool TryReceiveMultipart(ZmqMessage message, ZmqReceiveFlags flags = ZmqReceiveFlags.None)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Clear();
        var socket = Enter();
        ZmqMsg part;
        LibZmq.zmq_msg_init(&part);
        try
        {
            while (true)
            {
                if (LibZmq.zmq_msg_recv(&part, socket, (int)flags) < 0)
                {
                    var errno = ZmqError.LastErrno();
                    if (errno == ZmqErrorCode.Interrupted)
                        continue;
                    // Parts of a message arrive together, so running dry can only happen before the first.
                    if (errno == ZmqErrorCode.Again && message.Count == 0)
                        return false;
                    message.Clear();
                    throw ZmqError.Create("zmq_msg_recv", errno);
                }
                var size = checked((int)LibZmq.zmq_msg_size(&part));
                new ReadOnlySpan<byte>(LibZmq.zmq_msg_data(&part), size).CopyTo(message.Append(size));
                if (LibZmq.zmq_msg_more(&part) == 0)
                    return true;
            }
        }
        finally
        {
            LibZmq.zmq_msg_close(&part);
            Exit();
        }
    }

    private static bool SendFrame(nint socket, ReadOnlySpan<byte> frame, int flags, string operation)
    {
        byte none = 0;
        fixed (byte* pointer = frame)
        {
            // An empty span pins to null; libzmq wants a valid pointer even for zero bytes.
            var data = pointer == null ? &none : pointer;
            while (LibZmq.zmq_send(socket, data, (nuint)frame.Length, flags) < 0)
            {
                var errno = ZmqError.LastErrno();
                if (errno == ZmqErrorCode.Again)
                    return false;
                if (errno != ZmqErrorCode.Interrupted)
                    throw ZmqError.Create(operation, errno);
            }
            return true;
        }
    }
}
