using System.Runtime.InteropServices;

namespace RaftRunner.ZeroMq.Native;

/// <summary>
/// zmq_msg_t: 64 opaque bytes that zmq.h asks to be pointer-aligned (some ARM targets fault otherwise).
/// A fixed buffer of longs gives 8-byte alignment wherever the struct lives, including the stack.
/// Messages up to 33 bytes are stored inside the struct itself, so it must not move while libzmq holds it:
/// keep it in a local and pass its address.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal unsafe struct ZmqMsg
{
    private fixed long _opaque[8];
}
