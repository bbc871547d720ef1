namespace RaftRunner.Raft;

/// <summary>zmq-raft's four states (spec §1): CLIENT is a node outside its own configuration.</summary>
public enum RaftRole
{
    Client,
    Follower,
    Candidate,
    Leader,
}
