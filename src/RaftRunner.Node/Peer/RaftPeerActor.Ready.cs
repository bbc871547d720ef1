using Microsoft.Extensions.Logging;
using RaftRunner.Actors;
using RaftRunner.Node.Applying;
using RaftRunner.Node.Bridge;
using RaftRunner.Node.Storage;
using RaftRunner.Raft;

namespace RaftRunner.Node.Peer;

public sealed partial class RaftPeerActor
{
    /// <summary>Readies handed out and not finished yet, oldest first; each waits for its own durable part and for all before it.</summary>
    private readonly Queue<PendingReady> _readies = new();
    private long _sequence = Random.Shared.NextInt64(1L << 40) << 20; // distinct per incarnation: no stale Persisted can match
    private RaftRole _lastRole = RaftRole.Client;
    private ulong _lastTerm;
    private string? _lastLeader;
    private Raft.Membership.ClusterConfiguration? _lastConfiguration;

    /// <summary>Takes every Ready the core has and starts carrying it out.</summary>
    private void Process()
    {
        while (_core.HasReady)
        {
            var ready = _core.GetReady();
            foreach (var m in ready.MessagesNow)
                _bridge.Tell(new SendToPeer(m.Peer, m.Message));
            foreach (var reply in ready.Replies)
            {
                if (IsPromiseFree(reply.Response))
                    SendReply(reply);
            }
            if (ready.Membership is not null)
                _bridge.Tell(new SetPeers(_core.Configuration.AllPeers.Where(p => p.Id != _settings.NodeId).ToArray()));
            var job = StorageJob.From(ready);
            var sequence = ++_sequence;
            _readies.Enqueue(new PendingReady(sequence, ready) { Durable = job.IsEmpty });
            if (!job.IsEmpty)
                _logWriter.Tell(new Persist(sequence, job));
            NoteRole(ready);
        }
        FinishDurableReadies();
    }

    private void OnPersisted(Persisted persisted)
    {
        var pending = _readies.FirstOrDefault(r => r.Sequence == persisted.Sequence);
        if (pending is null)
            _log.LogWarning("persisted job {Sequence} is not waiting", persisted.Sequence);
        else
            pending.Durable = true;
        foreach (var install in persisted.InstalledSnapshots)
            OnSnapshotInstalled(install);
    }

    /// <summary>The durable ones at the head of the queue: their messages promised what is now durable.</summary>
    private void FinishDurableReadies()
    {
        while (_readies.TryPeek(out var head) && head.Durable)
        {
            _readies.Dequeue();
            var ready = head.Ready;
            foreach (var m in ready.MessagesAfterPersist)
                _bridge.Tell(new SendToPeer(m.Peer, m.Message));
            foreach (var reply in ready.Replies)
            {
                if (!IsPromiseFree(reply.Response))
                    SendReply(reply);
            }
            if (ready.SnapshotToApply is { } snapshot)
            {
                _applier.Tell(new RestoreSnapshot(_storage.SnapshotPath, snapshot.Index, snapshot.Term));
                _nextApplyIndex = snapshot.Index + 1;
            }
            if (ready.CommittedEntries.Count > 0)
            {
                _applier.Tell(new ApplyEntries(_nextApplyIndex, ready.CommittedEntries, _core.Term));
                _applying.Enqueue((_nextApplyIndex, ready.CommittedEntries));
                _nextApplyIndex += ready.CommittedEntries.Count;
            }
            _core.Advance(ready);
        }
    }

    /// <summary>
    /// "Accepted" promises nothing durable: zmq-raft sends it before it even appends (spec §6.1 step 5, Q13), and a
    /// client's timeout restarts on it, so it goes out at once rather than after the write — a slow disk must not
    /// make clients resend. Every other answer waits for the Ready's write.
    /// </summary>
    private static bool IsPromiseFree(object response) => response switch
    {
        Protocol.Messages.RequestUpdateResponse { Outcome: Protocol.Messages.RequestUpdateOutcome.Accepted } => true,
        Protocol.Messages.ConfigUpdateResponse { Status: Protocol.Messages.ConfigUpdateStatus.Accepted, Index: null } => true,
        _ => false,
    };

    private void SendReply(ClientReply reply)
    {
        if (reply.Token is ClientToken token)
            _bridge.Tell(new ReplyToClient(token.Envelope, reply.Response));
        else if (reply.Token is LocalChangeToken local)
            AnswerLocalChange(local, reply.Response);
        else if (reply.Token is ReadToken read && reply.Response is ReadIndexResponse answer)
            AnswerRead(read, answer);
    }

    /// <summary>Subscribers hear about role, term and leader changes; a node that stops leading drops its client streams.</summary>
    private void NoteRole(Ready ready)
    {
        var configuration = _core.Configuration;
        if (ready.Role == _lastRole && _core.Term == _lastTerm && ready.LeaderId == _lastLeader && ReferenceEquals(configuration, _lastConfiguration))
            return;
        if (_lastRole == RaftRole.Leader && ready.Role != RaftRole.Leader)
            _entries.CancelAll(); // zmq-raft cancels them without a reply
        if (ready.Role != _lastRole)
            _log.LogInformation("{Id} is {Role} in term {Term} (leader {Leader})", _settings.NodeId, ready.Role, _core.Term, ready.LeaderId ?? "unknown");
        _lastRole = ready.Role;
        _lastTerm = _core.Term;
        _lastLeader = ready.LeaderId;
        _lastConfiguration = configuration;
        var changed = new RoleChanged(_settings.NodeId, ready.Role, _core.Term, ready.LeaderId, configuration.AllPeers);
        foreach (var subscriber in _roleSubscribers)
            subscriber.Tell(changed);
    }

    private sealed class PendingReady(long sequence, Ready ready)
    {
        public long Sequence { get; } = sequence;

        public Ready Ready { get; } = ready;

        public bool Durable { get; set; }
    }
}
