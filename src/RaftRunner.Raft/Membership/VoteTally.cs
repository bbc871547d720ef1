namespace RaftRunner.Raft.Membership;

/// <summary>
/// The votes of one election: the first answer of each voter counts (later ones from the same voter are
/// ignored), answers from peers outside the configuration are ignored, and winning needs a majority of
/// granted votes in every configuration present (zmq-raft cluster_configuration.js vote/hasWonVoting).
/// <see cref="MajorityHasAnswered"/> is what preventSpiralElections asks: have enough peers answered at all?
/// </summary>
public sealed class VoteTally(ClusterConfiguration configuration)
{
    private readonly Dictionary<string, bool> _answers = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="voter"/>'s answer; false when it was ignored (not a voter, or already answered).</summary>
    public bool Record(string voter, bool granted)
    {
        if (!configuration.IsMember(voter))
            return false;
        return _answers.TryAdd(voter, granted);
    }

    public bool HasWon => configuration.HasMajority(id => _answers.TryGetValue(id, out var granted) && granted);

    public bool MajorityHasAnswered => configuration.HasMajority(_answers.ContainsKey);

    public int Answers => _answers.Count;
}
