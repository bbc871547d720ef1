using RaftRunner.Protocol;
using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Storage.Persistence;

/// <summary>
/// <c>raft.pers</c> exactly as zmq-raft's RaftPersistence (lib/server/raft_persistence.js) stores it, over a
/// <see cref="FilePersistence"/>. Keys and defaults:
/// <list type="table">
/// <item><term><c>currentTerm</c></term><description>integer, 0 ≤ term ≤ 2^53-1; default 0</description></item>
/// <item><term><c>votedFor</c></term><description>peer id string or nil; default nil</description></item>
/// <item><term><c>peers</c></term><description><c>[[id, url], …]</c>, or during a configuration transition the map
/// <c>{old: [[id, url], …], new: [[id, url], …]}</c>; default: the initial (seed) peers. Read also in zmq-raft's
/// other accepted peer forms (<c>"url"</c>, <c>[id]</c>, <c>{id, url}</c>), as a seed configuration may be
/// written that way.</description></item>
/// <item><term><c>peersUpdateRequest</c></term><description>nil or the base64 of the 12-byte request id of the
/// ConfigUpdate that started the last transition (16 characters); default nil</description></item>
/// <item><term><c>peersIndex</c></term><description>nil or the LOG INDEX of the CONFIG entry holding the current
/// peers; default nil</description></item>
/// </list>
/// Updates write the changed keys in that order, like zmq-raft. A stored value of the wrong type is a
/// <see cref="StorageException"/> naming the offset of the record that stored it. Thread-safe.
/// </summary>
public sealed class RaftState : IDisposable
{
    public const string DefaultFileName = "raft.pers";
    public const string CurrentTermKey = "currentTerm";
    public const string VotedForKey = "votedFor";
    public const string PeersKey = "peers";
    public const string PeersUpdateRequestKey = "peersUpdateRequest";
    public const string PeersIndexKey = "peersIndex";

    /// <summary>
    /// RaftRunner's own keys: the latest configuration known committed and its entry's index, which an
    /// uncommitted configuration that is truncated away falls back to. zmq-raft's RaftPersistence reads and
    /// validates only its five keys, so it ignores these (and drops them when it rewrites the file).
    /// </summary>
    public const string CommittedPeersKey = "raftRunnerCommittedPeers";

    public const string CommittedPeersIndexKey = "raftRunnerCommittedPeersIndex";

    /// <summary>The length of a base64 request key (REQUEST_LOG_ENTRY_BASE64_LENGTH).</summary>
    public const int RequestKeyLength = 16;

    private const ulong MaxSafeInteger = (1UL << 53) - 1;

    private readonly Lock _gate = new();
    private volatile Values _values;

    private sealed record Values(ulong CurrentTerm, string? VotedFor, ConfigEntryData Peers, string? PeersUpdateRequest, ulong? PeersIndex,
        ConfigEntryData? CommittedPeers, ulong? CommittedPeersIndex);

    private RaftState(FilePersistence file)
    {
        File = file;
        _values = Load(file);
    }

    /// <summary>The underlying state file.</summary>
    public FilePersistence File { get; }

    public string Path => File.Path;

    public ulong CurrentTerm => _values.CurrentTerm;

    public string? VotedFor => _values.VotedFor;

    /// <summary>The cluster configuration (transitional while <see cref="ConfigEntryData.IsTransitional"/>).</summary>
    public ConfigEntryData Peers => _values.Peers;

    public string? PeersUpdateRequest => _values.PeersUpdateRequest;

    public ulong? PeersIndex => _values.PeersIndex;

    /// <summary>RaftRunner's record of the latest committed configuration; null when never stored (e.g. a zmq-raft data directory).</summary>
    public ConfigEntryData? CommittedPeers => _values.CommittedPeers;

    public ulong? CommittedPeersIndex => _values.CommittedPeersIndex;

    /// <summary>Opens (or creates) <paramref name="path"/>; <paramref name="initialPeers"/> is the seed configuration used until one is stored.</summary>
    public static RaftState Open(string path, IReadOnlyList<PeerInfo> initialPeers, FilePersistenceOptions? options = null) =>
        Open(path, initialPeers, options, StorageIo.Default);

    internal static RaftState Open(string path, IReadOnlyList<PeerInfo> initialPeers, FilePersistenceOptions? options, StorageIo io)
    {
        ArgumentNullException.ThrowIfNull(initialPeers);
        var defaults = new KeyValuePair<string, MessagePackValue>[]
        {
            new(CurrentTermKey, MessagePackValue.From(0L)),
            new(VotedForKey, MessagePackValue.Nil),
            new(PeersKey, JsonValues.PeersValue(initialPeers)),
            new(PeersUpdateRequestKey, MessagePackValue.Nil),
            new(PeersIndexKey, MessagePackValue.Nil),
        };
        var file = FilePersistence.Open(path, defaults, options, io);
        try
        {
            return new RaftState(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Durably stores the set properties of <paramref name="update"/> (one fdatasynced append, or a roll) and only
    /// then changes the values this object reports. Throws <see cref="StorageException"/> when the write fails, leaving them unchanged.
    /// </summary>
    public void Update(RaftStateUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var changes = new List<KeyValuePair<string, MessagePackValue>>(5);
        if (update.CurrentTerm is { } term)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(term, MaxSafeInteger, nameof(update));
            changes.Add(new(CurrentTermKey, MessagePackValue.From(term)));
        }
        if (update.HasVotedFor)
            changes.Add(new(VotedForKey, update.VotedFor is null ? MessagePackValue.Nil : MessagePackValue.From(update.VotedFor)));
        if (update.Peers is { } peers)
            changes.Add(new(PeersKey, PeersValue(peers)));
        if (update.HasPeersUpdateRequest)
        {
            if (update.PeersUpdateRequest is { Length: not RequestKeyLength } bad)
                throw new ArgumentException($"peersUpdateRequest must be {RequestKeyLength} base64 characters, not '{bad}'", nameof(update));
            changes.Add(new(PeersUpdateRequestKey, update.PeersUpdateRequest is null ? MessagePackValue.Nil : MessagePackValue.From(update.PeersUpdateRequest)));
        }
        if (update.HasPeersIndex)
        {
            if (update.PeersIndex is > MaxSafeInteger)
                throw new ArgumentOutOfRangeException(nameof(update), update.PeersIndex, "peersIndex must be at most 2^53-1");
            changes.Add(new(PeersIndexKey, update.PeersIndex is { } index ? MessagePackValue.From(index) : MessagePackValue.Nil));
        }
        if (update.CommittedPeers is { } committed)
            changes.Add(new(CommittedPeersKey, PeersValue(committed)));
        if (update.HasCommittedPeersIndex)
            changes.Add(new(CommittedPeersIndexKey, update.CommittedPeersIndex is { } committedIndex ? MessagePackValue.From(committedIndex) : MessagePackValue.Nil));
        if (changes.Count == 0)
            return;
        lock (_gate)
        {
            File.Update(changes);
            _values = Load(File);
        }
    }

    /// <summary>Stores a new term and vote together (zmq-raft's <c>{votedFor, currentTerm}</c> update).</summary>
    public void UpdateTerm(ulong currentTerm, string? votedFor) =>
        Update(new RaftStateUpdate { CurrentTerm = currentTerm, VotedFor = votedFor });

    /// <summary>Stores a new configuration with the request that started it and its log index (null while the entry is being written).</summary>
    public void UpdatePeers(ConfigEntryData peers, string? peersUpdateRequest, ulong? peersIndex) =>
        Update(new RaftStateUpdate { Peers = peers, PeersUpdateRequest = peersUpdateRequest, PeersIndex = peersIndex });

    /// <summary>Stores the log index of the configuration entry once it is written.</summary>
    public void UpdatePeersIndex(ulong? peersIndex) => Update(new RaftStateUpdate { PeersIndex = peersIndex });

    /// <summary>The request key zmq-raft stores for a request id: its 12 bytes in base64 (16 characters).</summary>
    public static string ToRequestKey(RequestId requestId) => Convert.ToBase64String(requestId.ToArray());

    /// <summary>The request id behind a stored request key.</summary>
    public static bool TryParseRequestKey(string? key, out RequestId requestId)
    {
        requestId = default;
        Span<byte> bytes = stackalloc byte[RequestId.Length];
        return key is { Length: RequestKeyLength } && Convert.TryFromBase64String(key, bytes, out var written) && written == RequestId.Length
            && RequestId.TryFromBytes(bytes, out requestId);
    }

    /// <summary>A configuration as raft.pers stores it.</summary>
    public static MessagePackValue PeersValue(ConfigEntryData peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        return peers.OldPeers is { } old
            ? MessagePackValue.Map(
                new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("old"), JsonValues.PeersValue(old)),
                new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From("new"), JsonValues.PeersValue(peers.Peers)))
            : JsonValues.PeersValue(peers.Peers);
    }

    /// <summary>Reads a stored configuration: a peer list, or <c>{old, new}</c>; peers as zmq-raft's parsePeers accepts them.</summary>
    public static bool TryReadPeers(MessagePackValue value, out ConfigEntryData peers, out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        peers = ConfigEntryData.Final([]);
        if (value.Kind == MessagePackKind.Array)
        {
            if (!TryReadPeerList(value, out var list, out error))
                return false;
            peers = ConfigEntryData.Final(list);
            return true;
        }
        if (value.Kind == MessagePackKind.Map && value.TryGetProperty("old", out var oldValue) && value.TryGetProperty("new", out var newValue)
            && oldValue.Kind == MessagePackKind.Array && newValue.Kind == MessagePackKind.Array)
        {
            if (!TryReadPeerList(oldValue, out var oldList, out error) || !TryReadPeerList(newValue, out var newList, out error))
                return false;
            peers = ConfigEntryData.Transitional(oldList, newList);
            return true;
        }
        error = $"peers must be an array or {{old: [...], new: [...]}}, found {value.ToString(80)}";
        return false;
    }

    public void Dispose() => File.Dispose();

    public override string ToString() =>
        $"raft state {Path}: term {CurrentTerm}, votedFor {VotedFor ?? "null"}, peers {Peers}, peersUpdateRequest {PeersUpdateRequest ?? "null"}, peersIndex {PeersIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}";

    private static bool TryReadPeerList(MessagePackValue value, out IReadOnlyList<PeerInfo> peers, out string? error)
    {
        peers = [];
        var items = value.AsArray();
        var list = new PeerInfo[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            string? id = null, url = null;
            if (item.TryGetString(out var s))
            {
                id = url = s;
            }
            else if (item.TryGetArray(out var pair) && pair.Count >= 1 && pair[0].TryGetString(out var pairId))
            {
                id = pairId;
                url = pair.Count < 2 || pair[1].IsNil ? id : pair[1].TryGetString(out var pairUrl) ? pairUrl : null;
            }
            else if (item.Kind == MessagePackKind.Map)
            {
                var hasId = item.TryGetProperty("id", out var idValue) && !idValue.IsNil;
                var hasUrl = item.TryGetProperty("url", out var urlValue) && !urlValue.IsNil;
                if (hasId && idValue.TryGetString(out var mapId))
                    id = mapId;
                if (hasUrl && urlValue.TryGetString(out var mapUrl))
                    url = mapUrl;
                if ((hasId && id is null) || (hasUrl && url is null))
                    id = url = null;
                else
                {
                    id ??= url;
                    url ??= id;
                }
            }
            if (id is null || url is null)
            {
                error = $"peer {i} must be an [id, url] pair, an {{id, url}} map or a url string, found {item.ToString(80)}";
                return false;
            }
            list[i] = new PeerInfo(id, url);
        }
        peers = list;
        error = null;
        return true;
    }

    private static Values Load(FilePersistence file)
    {
        var state = file.State;
        var termValue = state[CurrentTermKey];
        if (!termValue.TryGetUInt64(out var term) || term > MaxSafeInteger)
            throw Invalid(file, CurrentTermKey, $"currentTerm must be an integer from 0 to 2^53-1, found {termValue.ToString(40)}");
        var votedValue = state[VotedForKey];
        string? votedFor = null;
        if (!votedValue.IsNil && !votedValue.TryGetString(out votedFor))
            throw Invalid(file, VotedForKey, $"votedFor must be a string or null, found {votedValue.ToString(40)}");
        if (!TryReadPeers(state[PeersKey], out var peers, out var error))
            throw Invalid(file, PeersKey, $"peers: {error}");
        var requestValue = state[PeersUpdateRequestKey];
        string? request = null;
        if (!requestValue.IsNil && (!requestValue.TryGetString(out request) || request.Length != RequestKeyLength))
            throw Invalid(file, PeersUpdateRequestKey, $"peersUpdateRequest must be null or a {RequestKeyLength}-character base64 string, found {requestValue.ToString(40)}");
        var indexValue = state[PeersIndexKey];
        ulong? peersIndex = null;
        if (!indexValue.IsNil)
        {
            if (!indexValue.TryGetUInt64(out var index))
                throw Invalid(file, PeersIndexKey, $"peersIndex must be null or a non-negative integer, found {indexValue.ToString(40)}");
            peersIndex = index;
        }
        ConfigEntryData? committedPeers = null;
        if (file.TryGetValue(CommittedPeersKey, out var committedValue) && !committedValue.IsNil)
        {
            if (!TryReadPeers(committedValue, out var committed, out var committedError))
                throw Invalid(file, CommittedPeersKey, $"{CommittedPeersKey}: {committedError}");
            committedPeers = committed;
        }
        ulong? committedIndex = null;
        if (file.TryGetValue(CommittedPeersIndexKey, out var committedIndexValue) && !committedIndexValue.IsNil)
        {
            if (!committedIndexValue.TryGetUInt64(out var value))
                throw Invalid(file, CommittedPeersIndexKey, $"{CommittedPeersIndexKey} must be null or a non-negative integer, found {committedIndexValue.ToString(40)}");
            committedIndex = value;
        }
        return new Values(term, votedFor, peers, request, peersIndex, committedPeers, committedIndex);
    }

    private static StorageException Invalid(FilePersistence file, string key, string reason) => new(file.Path, file.OffsetOf(key), reason);
}
