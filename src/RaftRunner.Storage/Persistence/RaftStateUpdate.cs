using RaftRunner.Protocol;

namespace RaftRunner.Storage.Persistence;

/// <summary>
/// The keys one <see cref="RaftState.Update"/> changes; unset properties are left alone. Setting a nullable
/// property, even to null, marks it as changed (<c>new RaftStateUpdate { VotedFor = null }</c> clears the vote).
/// </summary>
public sealed record RaftStateUpdate
{
    private readonly string? _votedFor;
    private readonly string? _peersUpdateRequest;
    private readonly ulong? _peersIndex;

    /// <summary>A new currentTerm, or null to keep it.</summary>
    public ulong? CurrentTerm { get; init; }

    public bool HasVotedFor { get; private init; }

    public string? VotedFor
    {
        get => _votedFor;
        init
        {
            _votedFor = value;
            HasVotedFor = true;
        }
    }

    /// <summary>A new cluster configuration, or null to keep it.</summary>
    public ConfigEntryData? Peers { get; init; }

    public bool HasPeersUpdateRequest { get; private init; }

    /// <summary>The base64 request key (16 characters, see <see cref="RaftState.ToRequestKey"/>) or null.</summary>
    public string? PeersUpdateRequest
    {
        get => _peersUpdateRequest;
        init
        {
            _peersUpdateRequest = value;
            HasPeersUpdateRequest = true;
        }
    }

    private readonly ulong? _committedPeersIndex;

    /// <summary>RaftRunner's latest committed configuration (see <see cref="RaftState.CommittedPeersKey"/>), or null to keep it.</summary>
    public ConfigEntryData? CommittedPeers { get; init; }

    public bool HasCommittedPeersIndex { get; private init; }

    public ulong? CommittedPeersIndex
    {
        get => _committedPeersIndex;
        init
        {
            _committedPeersIndex = value;
            HasCommittedPeersIndex = true;
        }
    }

    public bool HasPeersIndex { get; private init; }

    public ulong? PeersIndex
    {
        get => _peersIndex;
        init
        {
            _peersIndex = value;
            HasPeersIndex = true;
        }
    }
}
