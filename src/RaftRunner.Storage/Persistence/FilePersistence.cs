using Microsoft.Win32.SafeHandles;
using RaftRunner.Protocol.MessagePack;
using RaftRunner.Storage.Files;

namespace RaftRunner.Storage.Persistence;

/// <summary>
/// zmq-raft's state file (ACID.md "State File", lib/common/file_persistence.js): a sequence of MessagePack maps,
/// each holding only the keys an update changed. The state is the defaults overlaid with every map in file
/// order (the last value of a key wins).
/// <list type="bullet">
/// <item><see cref="Update(IEnumerable{KeyValuePair{string, MessagePackValue}})"/> appends one map and
/// fdatasyncs before returning; only then is the in-memory state changed. A failed write or sync is a
/// <see cref="StorageException"/>, the in-memory state keeps its old values, and the next update rolls the file
/// (so nothing is ever appended after a possibly half-written record).</item>
/// <item>Roll: when an update finds the file at <see cref="DefaultRollThreshold"/> (512 KiB) or more, the whole
/// state (with the update) is written to <c>name.tmp-PID-N</c> and fdatasynced, the old file is hard-linked to
/// a timestamped backup (<c>raft.pers-2018-09-26-145936-8170</c>), the new file is renamed over it and the
/// directory fsynced. At most 60 backups are kept.</item>
/// <item>Torn tail: a last record cut off by the end of the file (a crash during an append: the bytes present
/// are a valid beginning of a map, or are all zero) is ignored, and the next update rolls the file — the torn
/// bytes leave the live file but stay in the backup for inspection. This is what zmq-raft does (it marks the
/// file as full); it has the effect of truncating the tail away without rewriting the file in place.</item>
/// <item>Anything else that does not decode — a malformed byte, a record that is not a map, a non-string key —
/// is a <see cref="StorageException"/> naming the file and offset.</item>
/// </list>
/// A missing file is created empty (the defaults are not written until the first roll, as in zmq-raft) and its
/// directory fsynced. Thread-safe: updates are serialized.
/// </summary>
public sealed class FilePersistence : IDisposable
{
    /// <summary>zmq-raft's THRESHOLD_SIZE_NEW_FILE: 512 * 1024 bytes.</summary>
    public const long DefaultRollThreshold = 512 * 1024;

    private readonly Lock _gate = new();
    private readonly StorageIo _io;
    private readonly long _rollThreshold;
    private readonly int _retainHistoryFiles;
    private OrderedDictionary<string, MessagePackValue> _state;
    private Dictionary<string, long> _origins;
    private volatile IReadOnlyDictionary<string, MessagePackValue> _published;
    private SafeFileHandle? _handle;
    private long _length;
    private bool _mustRoll;
    private bool _disposed;

    private FilePersistence(string path, StorageIo io, FilePersistenceOptions options, SafeFileHandle handle, ParseResult parsed)
    {
        Path = path;
        _io = io;
        _rollThreshold = options.RollThreshold;
        _retainHistoryFiles = options.RetainHistoryFiles;
        _handle = handle;
        _state = parsed.State;
        _origins = parsed.Origins;
        _length = parsed.ValidLength;
        TornTailOffset = parsed.TornTailOffset;
        _mustRoll = parsed.TornTailOffset is not null;
        _published = Publish(_state);
    }

    public string Path { get; }

    /// <summary>The current state: defaults first, then keys in the order they were first stored. An immutable snapshot.</summary>
    public IReadOnlyDictionary<string, MessagePackValue> State => _published;

    public MessagePackValue this[string key] => _published[key];

    public bool TryGetValue(string key, out MessagePackValue value) => _published.TryGetValue(key, out value!);

    /// <summary>Bytes of complete records in the live file (a torn tail is not counted).</summary>
    public long Length
    {
        get
        {
            lock (_gate)
                return _length;
        }
    }

    /// <summary>Where the torn tail found when opening began; null when there was none, and after the roll that removed it.</summary>
    public long? TornTailOffset { get; private set; }

    /// <summary>True when the next update will roll the file (size threshold, torn tail, or a failed earlier write).</summary>
    public bool RollPending
    {
        get
        {
            lock (_gate)
                return _mustRoll || _handle is null || _length >= _rollThreshold;
        }
    }

    /// <summary>The backup the last roll made of the replaced file (null before any roll, or when there was no file to keep).</summary>
    public string? LastBackupPath { get; private set; }

    /// <summary>The offset of the record in the live file that set <paramref name="key"/>'s current value; null for a default.</summary>
    public long? OffsetOf(string key)
    {
        lock (_gate)
            return _origins.TryGetValue(key, out var offset) ? offset : null;
    }

    /// <summary>
    /// Opens (or creates, empty) the state file at <paramref name="path"/> and reads its state over
    /// <paramref name="defaults"/>. Leftover temporary files of a crashed roll are deleted first.
    /// </summary>
    public static FilePersistence Open(string path, IEnumerable<KeyValuePair<string, MessagePackValue>>? defaults = null, FilePersistenceOptions? options = null) =>
        Open(path, defaults, options, StorageIo.Default);

    internal static FilePersistence Open(string path, IEnumerable<KeyValuePair<string, MessagePackValue>>? defaults, FilePersistenceOptions? options, StorageIo io)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new FilePersistenceOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.RollThreshold, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.RetainHistoryFiles, nameof(options));
        var initial = Normalize(defaults ?? []);
        var directory = FileRotation.DirectoryOf(path);
        SafeFileHandle handle;
        try
        {
            Directory.CreateDirectory(directory);
            FileRotation.CleanupTempFiles(path);
            var existed = File.Exists(path);
            handle = File.OpenHandle(path, existed ? FileMode.Open : FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            if (!existed)
            {
                try
                {
                    FileSync.SyncDirectory(directory);
                }
                catch
                {
                    handle.Dispose();
                    throw;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(path, null, $"cannot open the state file: {e.Message}", e);
        }
        try
        {
            var bytes = ReadAll(handle, path);
            return new FilePersistence(path, io, options, handle, Parse(path, bytes, initial));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Stores one key (see <see cref="Update(IEnumerable{KeyValuePair{string, MessagePackValue}})"/>).</summary>
    public void Update(string key, MessagePackValue value) => Update([new KeyValuePair<string, MessagePackValue>(key, value)]);

    /// <summary>
    /// Durably stores <paramref name="changes"/> (in their order; a repeated key keeps its last value) and then
    /// applies them to <see cref="State"/>. Appends one map, or rolls the file (see the class summary). Returns
    /// after fdatasync (and, for a roll, the directory fsync). An empty change set does nothing.
    /// </summary>
    public void Update(IEnumerable<KeyValuePair<string, MessagePackValue>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var batch = Normalize(changes);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (batch.Count == 0)
                return;
            if (_mustRoll || _handle is null || _length >= _rollThreshold)
            {
                RollLocked(batch);
                return;
            }
            var bytes = MessagePackCodec.Encode(ToMap(batch));
            var offset = _length;
            try
            {
                _io.Write(_handle, Path, bytes, offset);
                _io.DataSync(_handle, Path);
            }
            catch (StorageException e)
            {
                _mustRoll = true;
                throw new StorageException(Path, offset, $"the update of {string.Join(", ", batch.Keys)} was not stored: {e.Reason ?? e.Message}", e);
            }
            _length += bytes.Length;
            foreach (var (key, value) in batch)
            {
                _state[key] = value;
                _origins[key] = offset;
            }
            _published = Publish(_state);
        }
    }

    /// <summary>Rolls the file now: writes the whole state to a new file and keeps the old one as a timestamped backup.</summary>
    public void Roll()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RollLocked(null);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _handle?.Dispose();
            _handle = null;
        }
    }

    public override string ToString() => $"state file {Path} ({_length} bytes): {ToMap(_state)}";

    private void RollLocked(OrderedDictionary<string, MessagePackValue>? batch)
    {
        var next = new OrderedDictionary<string, MessagePackValue>(_state);
        if (batch is not null)
        {
            foreach (var (key, value) in batch)
                next[key] = value;
        }
        var bytes = MessagePackCodec.Encode(ToMap(next));
        var tempPath = FileRotation.CreateTempName(Path);
        SafeFileHandle? fresh = null;
        string? backup;
        try
        {
            try
            {
                fresh = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException(tempPath, null, $"cannot create the new state file: {e.Message}", e);
            }
            _io.Write(fresh, tempPath, bytes, 0);
            _io.DataSync(fresh, tempPath);
            _handle?.Dispose();
            _handle = null;
            backup = FileRotation.ReplaceWithBackup(tempPath, Path);
        }
        catch (StorageException e)
        {
            fresh?.Dispose();
            TryDelete(tempPath);
            _mustRoll = true;
            throw new StorageException(Path, 0, $"rolling the state file failed, nothing was stored: {e.Message}", e);
        }
        _handle = fresh;
        _length = bytes.Length;
        _state = next;
        _origins = next.Keys.ToDictionary(k => k, _ => 0L, StringComparer.Ordinal);
        _mustRoll = false;
        TornTailOffset = null;
        LastBackupPath = backup;
        _published = Publish(_state);
        FileRotation.RemoveHistoryFiles(Path, _retainHistoryFiles);
    }

    internal sealed record ParseResult(
        OrderedDictionary<string, MessagePackValue> State, Dictionary<string, long> Origins, long ValidLength, long? TornTailOffset);

    /// <summary>Reads a whole state file's bytes (see the class summary for what is accepted).</summary>
    internal static ParseResult Parse(string path, ReadOnlySpan<byte> bytes, OrderedDictionary<string, MessagePackValue> defaults)
    {
        var state = new OrderedDictionary<string, MessagePackValue>(defaults);
        var origins = new Dictionary<string, long>(StringComparer.Ordinal);
        var position = 0;
        while (position < bytes.Length)
        {
            var rest = bytes[position..];
            if (!rest.ContainsAnyExcept((byte)0))
                return new ParseResult(state, origins, position, position);
            MessagePackValue record;
            int consumed;
            try
            {
                record = MessagePackCodec.Decode(rest, out consumed);
            }
            catch (MessagePackException e)
            {
                if (IsTornTail(rest))
                    return new ParseResult(state, origins, position, position);
                throw new StorageException(path, position + (long)e.Offset, $"undecodable state record (it starts at offset {position}): {e.Message}", e);
            }
            if (!record.TryGetMap(out var entries))
                throw new StorageException(path, position, $"a state record must be a map, found {record.Kind}: {record.ToString(80)}");
            foreach (var (key, value) in entries)
            {
                if (!key.TryGetString(out var name))
                    throw new StorageException(path, position, $"a state record has a {key.Kind} key ({key.ToString(40)}); keys are strings");
                state[name] = value;
                origins[name] = position;
            }
            position += consumed;
        }
        return new ParseResult(state, origins, position, null);
    }

    private static bool IsTornTail(ReadOnlySpan<byte> rest)
    {
        var first = rest[0];
        var isMap = first is >= 0x80 and <= 0x8f or 0xde or 0xdf;
        return isMap && MessagePackScanner.Scan(rest, out _) == MessagePackScanner.Outcome.Truncated;
    }

    private static byte[] ReadAll(SafeFileHandle handle, string path)
    {
        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length > Array.MaxLength)
                throw new StorageException(path, null, $"a state file of {length} bytes is too big to be one");
            var bytes = new byte[length];
            var done = 0;
            while (done < bytes.Length)
            {
                var read = RandomAccess.Read(handle, bytes.AsSpan(done), done);
                if (read == 0)
                    break;
                done += read;
            }
            return done == bytes.Length ? bytes : bytes[..done];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(path, null, $"cannot read the state file: {e.Message}", e);
        }
    }

    private static OrderedDictionary<string, MessagePackValue> Normalize(IEnumerable<KeyValuePair<string, MessagePackValue>> entries)
    {
        var result = new OrderedDictionary<string, MessagePackValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(entries));
            ArgumentNullException.ThrowIfNull(value, nameof(entries));
            result[key] = value;
        }
        return result;
    }

    private static MessagePackValue ToMap(OrderedDictionary<string, MessagePackValue> entries) =>
        MessagePackValue.Map(entries.Select(e => new KeyValuePair<MessagePackValue, MessagePackValue>(MessagePackValue.From(e.Key), e.Value)));

    private static IReadOnlyDictionary<string, MessagePackValue> Publish(OrderedDictionary<string, MessagePackValue> state) =>
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, MessagePackValue>(new OrderedDictionary<string, MessagePackValue>(state, StringComparer.Ordinal));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
