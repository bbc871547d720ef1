using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Storage.Persistence;

/// <summary>
/// <c>state.pers</c> as zmq-raft's BroadcastStateMachine (lib/server/broadcast_state_machine.js) stores it: one key,
/// <c>lastApplied</c> (the last log index applied to the state machine; an integer from 0 to 2^53-1, default 0
/// or the configured initial value), over a <see cref="FilePersistence"/>. Thread-safe.
/// </summary>
public sealed class BroadcastState : IDisposable
{
    public const string DefaultFileName = "state.pers";
    public const string LastAppliedKey = "lastApplied";

    private const ulong MaxSafeInteger = (1UL << 53) - 1;

    private readonly Lock _gate = new();
    private long _lastApplied;

    private BroadcastState(FilePersistence file)
    {
        File = file;
        _lastApplied = (long)Load(file);
    }

    public FilePersistence File { get; }

    public string Path => File.Path;

    public ulong LastApplied => (ulong)Interlocked.Read(ref _lastApplied);

    public static BroadcastState Open(string path, ulong initialLastApplied = 0, FilePersistenceOptions? options = null) =>
        Open(path, initialLastApplied, options, StorageIo.Default);

    internal static BroadcastState Open(string path, ulong initialLastApplied, FilePersistenceOptions? options, StorageIo io)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(initialLastApplied, MaxSafeInteger);
        var file = FilePersistence.Open(path, [new(LastAppliedKey, MessagePackValue.From(initialLastApplied))], options, io);
        try
        {
            return new BroadcastState(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Durably stores <paramref name="lastApplied"/>; <see cref="LastApplied"/> changes only once it is fdatasynced.</summary>
    public void UpdateLastApplied(ulong lastApplied)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lastApplied, MaxSafeInteger);
        lock (_gate)
        {
            File.Update(LastAppliedKey, MessagePackValue.From(lastApplied));
            Interlocked.Exchange(ref _lastApplied, (long)lastApplied);
        }
    }

    public void Dispose() => File.Dispose();

    public override string ToString() => $"broadcast state {Path}: lastApplied {LastApplied}";

    private static ulong Load(FilePersistence file)
    {
        var value = file[LastAppliedKey];
        if (!value.TryGetUInt64(out var lastApplied) || lastApplied > MaxSafeInteger)
            throw new StorageException(file.Path, file.OffsetOf(LastAppliedKey), $"lastApplied must be an integer from 0 to 2^53-1, found {value.ToString(40)}");
        return lastApplied;
    }
}
