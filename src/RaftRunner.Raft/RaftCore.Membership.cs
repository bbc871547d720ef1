using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Protocol.Messages;
using RaftRunner.Raft.Membership;
using RaftRunner.Raft.Progress;

namespace RaftRunner.Raft;

/// <summary>
/// Membership changes by joint consensus (spec §6.2): ConfigUpdate appends Cold,new, its commit makes the leader
/// append Cnew, CONFIG entries take effect when appended (not when committed) on every node, and a node outside
/// its configuration is a CLIENT. Unlike zmq-raft (Q7), a CONFIG entry that is truncated away is rolled back.
/// </summary>
public sealed partial class RaftCore
{
    private long? _peersIndex;
    private RequestId? _updateRequest;
    private bool _membershipDirty;
    private ClusterConfiguration _committedConfig = null!; // set by the constructor
    private long? _committedConfigIndex;
    private (object Token, RequestId Id)? _configWaiter;

    /// <summary>
    /// A leader outside this node's configuration that keeps sending to it (with a term at least this node's),
    /// or null. Its messages are ignored (RAFT.md point 1, spec §1.6), so a node whose configuration went stale —
    /// it missed the entries that changed the membership — can never catch up by itself: the host should fetch
    /// the cluster's log and configuration again (zmq-raft's CLIENT start-up sync) when this stays set.
    /// </summary>
    public (string Id, ulong Term)? UnknownLeader { get; private set; }

    private void NoteUnknownLeader(string id, ulong term)
    {
        if (term >= Term && id != Id)
            UnknownLeader = (id, term);
    }

    /// <summary>The membership as it would be persisted now.</summary>
    public MembershipState Membership => new(_config, _peersIndex, _updateRequest, _committedConfig, _committedConfigIndex);

    /// <summary>
    /// ConfigUpdate (spec §6.2): change the cluster to <paramref name="peers"/> (the request's raw peer list).
    /// Answers go out as <see cref="ClientReply"/> with a <see cref="ConfigUpdateResponse"/>: "accepted" at
    /// once, then the final "accepted" with the index of Cold,new when Cnew is appended; "busy" while another
    /// change is under way, "expired", "not leader", or a validation error named as zmq-raft names it.
    /// </summary>
    public void ConfigUpdate(object token, RequestId id, MessagePackValue peers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        void Answer(ConfigUpdateResponse response) => _replies.Add(new ClientReply(token, response));
        if (Role != RaftRole.Leader || _transfer is not null)
        {
            Answer(new ConfigUpdateResponse(id, ConfigUpdateStatus.NotLeader, LeaderId: Role == RaftRole.Leader ? null : LeaderId));
            return;
        }
        if (_configWaiter is not null)
        {
            // The pending answer stays with the first asker; a repeat only hears "accepted" (spec §6.2 point 3).
            Answer(new ConfigUpdateResponse(id, id == _updateRequest ? ConfigUpdateStatus.Accepted : ConfigUpdateStatus.Busy));
            return;
        }
        if (_log.TryGetRequestIndex(id, out var index))
        {
            if (index <= CommitIndex)
                Answer(new ConfigUpdateResponse(id, ConfigUpdateStatus.Accepted, (ulong)index));
            else if (id == _updateRequest)
            {
                _configWaiter = (token, id);
                Answer(new ConfigUpdateResponse(id, ConfigUpdateStatus.Accepted));
            }
            else
                Answer(new ConfigUpdateResponse(id, ConfigUpdateStatus.ConfigError, ErrorName: "Error", ErrorMessage: "wrong request id log entry type"));
            return;
        }
        if (!IsFresh(id, now))
        {
            Answer(new ConfigUpdateResponse(id, ConfigUpdateStatus.Expired));
            return;
        }
        var validation = PeerListValidator.Validate(peers, _config);
        if (validation.ErrorName is not null)
        {
            Answer(new ConfigUpdateResponse(id, ConfigUpdateStatus.ConfigError, ErrorName: validation.ErrorName, ErrorMessage: validation.ErrorMessage));
            return;
        }
        // zmq-raft starts a new change as soon as Cnew is appended; one that starts before Cnew commits can strand
        // the cluster (the simulator found a leader outside Cnew doing so, after which no node could be elected).
        // Until the configuration in force is committed, the change before it is still under way: busy.
        if (validation.Busy || validation.NewPeers is not { } newPeers || _peersIndex > CommitIndex)
        {
            Answer(new ConfigUpdateResponse(id, ConfigUpdateStatus.Busy));
            return;
        }
        _configWaiter = (token, id);
        Answer(new ConfigUpdateResponse(id, ConfigUpdateStatus.Accepted)); // before anything is durable (Q13)
        AppendConfig(ConfigEntryData.Transitional(_config.Peers, newPeers), id);
    }

    /// <summary>
    /// The leader switches to <paramref name="data"/> in memory first — new peers start at the current end of the
    /// log, removed ones are dropped with their RPCs (spec §6.2.6) — then appends it and replicates at once.
    /// </summary>
    private void AppendConfig(ConfigEntryData data, RequestId key)
    {
        SetMembership(ClusterConfiguration.From(data), LastIndex + 1, key);
        _log.Append([LogEntry.Create(key, LogEntryType.Config, Term, data.Encode())]);
        UpdateFollowersNow();
    }

    /// <summary>
    /// After the leader's commit index moved (spec §6.2.5): a leader outside its configuration steps down (T10);
    /// a committed Cold,new is followed by Cnew, and the pending ConfigUpdate hears the index of Cold,new.
    /// </summary>
    private void OnLeaderCommitAdvanced()
    {
        if (Role != RaftRole.Leader)
            return;
        if (!IsVoter)
        {
            BecomeFollower(Term); // Cnew, without this node, is committed: it lands in CLIENT
            return;
        }
        MaybeAppendFinalConfig();
    }

    private void MaybeAppendFinalConfig()
    {
        if (!_config.IsTransitional || _peersIndex is not { } jointIndex || CommitIndex < jointIndex)
            return;
        // Cnew gets a fresh key; its timestamp is Cold,new's so the request-id cache ages it the same way.
        Span<byte> bytes = stackalloc byte[RequestId.Length];
        (_updateRequest ?? RequestId.Zero).WriteTo(bytes);
        _idRandom.NextBytes(bytes[4..]);
        AppendConfig(ConfigEntryData.Final(_config.Peers), RequestId.FromBytes(bytes));
        if (_configWaiter is { } waiter)
        {
            _configWaiter = null;
            _replies.Add(new ClientReply(waiter.Token, new ConfigUpdateResponse(waiter.Id, ConfigUpdateStatus.Accepted, (ulong)jointIndex)));
        }
    }

    /// <summary>
    /// The host installed a snapshot that records the configuration in force at its index (RaftRunner's snapshot
    /// envelope does; zmq-raft's snapshots carry none, Q6, which left a follower that got one with a stale
    /// configuration — the simulator showed two configurations electing leaders side by side). Taken when newer
    /// than the configuration this node has.
    /// </summary>
    public void RestoreMembershipFromSnapshot(long snapshotIndex, ClusterConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (snapshotIndex != _log.SnapshotIndex)
            throw new ArgumentException($"the snapshot at {snapshotIndex} is not the log's ({_log.SnapshotIndex})", nameof(snapshotIndex));
        if (snapshotIndex > (_committedConfigIndex ?? 0))
        {
            _committedConfig = configuration; // a snapshot holds only committed state
            _committedConfigIndex = snapshotIndex;
            _membershipDirty = true;
            FixRoleForMembership();
        }
        // The configuration in force stays when it came from an entry after the snapshot that the log still holds.
        if (_peersIndex is { } index && index > snapshotIndex && index <= LastIndex && _log.TermAt(index) is not null)
            return;
        SetMembership(configuration, snapshotIndex, null);
    }

    /// <summary>The commit index moved: a configuration whose entry it reached is now the committed one.</summary>
    private void NoteCommittedConfiguration()
    {
        if (_peersIndex is { } index && index <= CommitIndex && _committedConfigIndex != index)
        {
            _committedConfig = _config;
            _committedConfigIndex = index;
            _membershipDirty = true;
            FixRoleForMembership();
        }
    }

    /// <summary>Replaces the configuration in force (zmq-raft's _updateConfig) and fixes the role to match.</summary>
    private void SetMembership(ClusterConfiguration configuration, long? peersIndex, RequestId? key)
    {
        _config = configuration;
        _peersIndex = peersIndex;
        _updateRequest = key;
        _membershipDirty = true;
        var wanted = configuration.AllPeers.Select(p => p.Id).Where(id => id != Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _peers.Keys.Where(id => !wanted.Contains(id)).ToArray())
            _peers.Remove(gone);
        foreach (var id in wanted)
        {
            if (_peers.ContainsKey(id))
                continue;
            var peer = new PeerState(id, (uint)_idRandom.Next(1, 1 << 24));
            if (Role == RaftRole.Leader)
            {
                peer.NextIndex = LastIndex + 1;
                peer.MatchIndex = 0;
            }
            _peers[id] = peer;
        }
        FixRoleForMembership();
    }

    /// <summary>
    /// A node is a CLIENT when it is a voter in neither the configuration in force nor the committed one. zmq-raft
    /// looks only at the first (spec §1.2), so a leader deposed while leaving — its Cnew appended, not committed —
    /// becomes a CLIENT that can never campaign, though the remaining members may need it to (the simulator found
    /// such a cluster: the only member of Cnew lacked Cnew and needed the old leader's vote, which it refused).
    /// </summary>
    private bool IsVoter => _config.IsMember(Id) || _committedConfig.IsMember(Id);

    private void FixRoleForMembership()
    {
        if (Role == RaftRole.Follower && !IsVoter)
        {
            Role = RaftRole.Client;
            _electionTicksLeft = null;
        }
        else if (Role == RaftRole.Client && IsVoter)
        {
            Role = RaftRole.Follower; // T12; the caller re-arms the election timer after its reply
        }
    }

    /// <summary>A follower takes the last CONFIG entry of what it just appended, unless it is not newer (spec §3.4, Q7).</summary>
    private void ApplyAppendedConfig(long firstIndex, IReadOnlyList<LogEntry> appended)
    {
        for (var i = appended.Count - 1; i >= 0; i--)
        {
            if (appended[i].Type != LogEntryType.Config)
                continue;
            var index = firstIndex + i;
            if (index > (_peersIndex ?? 0) && ConfigEntryData.TryDecode(appended[i].Data.Span, out var data, out _))
                SetMembership(ClusterConfiguration.From(data), index, appended[i].RequestId);
            return;
        }
    }

    /// <summary>
    /// The log is about to lose everything after <paramref name="index"/>: a configuration that came from an entry
    /// beyond it goes back to the last CONFIG entry that stays (Raft dissertation §4.1; zmq-raft keeps it, Q7) —
    /// found in the log above the committed configuration's entry, or else the committed configuration itself
    /// (entries up to the commit index are never truncated).
    /// </summary>
    private void RollBackMembershipAfter(long index)
    {
        if (_peersIndex is not { } applied || applied <= index)
            return;
        var floor = Math.Max(_log.FirstIndex, (_committedConfigIndex ?? 0) + 1);
        for (var i = Math.Min(index, LastIndex); i >= floor; i--)
        {
            var entry = _log.EntryAt(i);
            if (entry.Type == LogEntryType.Config && ConfigEntryData.TryDecode(entry.Data.Span, out var data, out _))
            {
                SetMembership(ClusterConfiguration.From(data), i, entry.RequestId);
                return;
            }
        }
        SetMembership(_committedConfig, _committedConfigIndex, null);
    }

    /// <summary>
    /// At startup: a persisted peersIndex must name a CONFIG entry of the log. A crash between persisting the
    /// membership and writing the entry leaves it dangling; then the last CONFIG entry of the log is in force.
    /// </summary>
    private void RecoverMembership()
    {
        if (_peersIndex is not { } index)
            return;
        var term = _log.TermAt(index);
        if (index <= _log.SnapshotIndex || (term is not null && _log.EntryAt(index).Type == LogEntryType.Config))
            return;
        RollBackMembershipAfter(Math.Min(index - 1, LastIndex));
    }

    private void AnswerConfigWaiterNotLeader()
    {
        if (_configWaiter is { } waiter)
            _replies.Add(new ClientReply(waiter.Token, new ConfigUpdateResponse(waiter.Id, ConfigUpdateStatus.NotLeader, LeaderId: LeaderId)));
        _configWaiter = null;
    }
}
