namespace RaftRunner.Raft;

/// <summary>A condition zmq-raft treats as fatal (it closes the node): the node must stop rather than continue unsafely.</summary>
public sealed class RaftFatalException(string message) : Exception(message);
