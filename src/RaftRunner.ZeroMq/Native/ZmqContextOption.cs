namespace RaftRunner.ZeroMq.Native;

/// <summary>Context option ids from zmq.h (zmq_ctx_set / zmq_ctx_get), C names as in <see cref="ZmqOption"/>.</summary>
#pragma warning disable CA1707
internal enum ZmqContextOption
{
    ZMQ_IO_THREADS = 1,
    ZMQ_MAX_SOCKETS = 2,
}
#pragma warning restore CA1707
