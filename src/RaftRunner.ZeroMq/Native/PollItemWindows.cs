using System.Runtime.InteropServices;

namespace RaftRunner.ZeroMq.Native;

/// <summary>zmq_pollitem_t on Windows, where zmq_fd_t is a SOCKET (pointer-sized): 24 bytes on x64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollItemWindows
{
    public nint Socket;
    public nuint Fd;
    public short Events;
    public short Revents;
}
