using System.Text;
using RaftRunner.ZeroMq.Native;

namespace RaftRunner.ZeroMq;

// zmq_getsockopt / zmq_setsockopt by C type. Reading ZMQ_EVENTS or ZMQ_RCVMORE processes pending
// commands inside libzmq, which can be interrupted by a signal (EINTR); such calls are simply repeated.
public sealed unsafe partial class ZmqSocket
{
    internal int GetInt32(ZmqOption option)
    {
        int value;
        nuint length = sizeof(int);
        GetRaw(option, &value, &length);
        return value;
    }

    internal void SetInt32(ZmqOption option, int value) => SetRaw(option, &value, sizeof(int));

    internal long GetInt64(ZmqOption option)
    {
        long value;
        nuint length = sizeof(long);
        GetRaw(option, &value, &length);
        return value;
    }

    internal void SetInt64(ZmqOption option, long value) => SetRaw(option, &value, sizeof(long));

    internal byte[] GetBytes(ZmqOption option, int capacity)
    {
        var buffer = stackalloc byte[capacity];
        var length = (nuint)capacity;
        GetRaw(option, buffer, &length);
        return new ReadOnlySpan<byte>(buffer, (int)length).ToArray();
    }

    internal void SetBytes(ZmqOption option, ReadOnlySpan<byte> value)
    {
        fixed (byte* pointer = value)
            SetRaw(option, pointer, (nuint)value.Length);
    }

    /// <summary>A string option; libzmq includes the terminating NUL in the length it reports.</summary>
    internal string GetString(ZmqOption option, int capacity)
    {
        var buffer = stackalloc byte[capacity];
        var length = (nuint)capacity;
        GetRaw(option, buffer, &length);
        var text = new ReadOnlySpan<byte>(buffer, (int)length);
        var nul = text.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul >= 0 ? text[..nul] : text);
    }

    private void GetRaw(ZmqOption option, void* value, nuint* length)
    {
        var socket = Enter();
        try
        {
            var capacity = *length;
            while (LibZmq.zmq_getsockopt(socket, (int)option, value, length) != 0)
            {
                var errno = ZmqError.LastErrno();
                if (errno != ZmqErrorCode.Interrupted)
                    throw ZmqError.Create($"zmq_getsockopt({option})", errno);
                *length = capacity;
            }
        }
        finally
        {
            Exit();
        }
    }

    private void SetRaw(ZmqOption option, void* value, nuint length)
    {
        var socket = Enter();
        try
        {
            while (LibZmq.zmq_setsockopt(socket, (int)option, value, length) != 0)
            {
                var errno = ZmqError.LastErrno();
                if (errno != ZmqErrorCode.Interrupted)
                    throw ZmqError.Create($"zmq_setsockopt({option})", errno);
            }
        }
        finally
        {
            Exit();
        }
    }
}
