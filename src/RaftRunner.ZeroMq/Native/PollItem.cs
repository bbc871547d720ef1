using System.Runtime.InteropServices;

namespace RaftRunner.ZeroMq.Native;

/// <summary>
/// zmq_pollitem_t outside Windows: <c>{ void *socket; int fd; short events; short revents; }</c>, 16 bytes
/// on 64-bit (zmq_fd_t is an int there). Windows has its own layout, see <see cref="PollItemWindows"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollItem
{
    public nint Socket;
    public int Fd;
    public short Events;
    public short Revents;
}
