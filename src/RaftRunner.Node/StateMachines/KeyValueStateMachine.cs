using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Node.StateMachines;

/// <summary>
/// The built-in state machine that <c>raft-runner node</c> runs: a map from string keys to values (binaries or
/// strings, kept as given). Commands and queries are MessagePack maps; <see cref="KeyValueCommands"/> builds them
/// and lists them. Entry data that is not a valid command is ignored (counted in <see cref="IgnoredEntries"/>, the
/// first one logged) — a committed entry is on every node, so refusing it would stop them all.
/// </summary>
/// <remarks>
/// The map is immutable and swapped on every change, so <see cref="Count"/>, <see cref="TryGet"/> and
/// <see cref="Keys"/> may be called from any thread (a status page) and see a consistent state; the
/// <see cref="IStateMachine"/> methods are called by the applier alone, one at a time.
/// </remarks>
public sealed class KeyValueStateMachine : IStateMachine, ISnapshotCapture
{
    /// <summary>The most keys a <c>keys</c> query returns.</summary>
    public const int MaxKeysReturned = 10_000;

    private readonly ILogger _log;
    private ImmutableSortedDictionary<string, byte[]> _pairs = ImmutableSortedDictionary.Create<string, byte[]>(StringComparer.Ordinal);
    private long _ignored;

    public KeyValueStateMachine(ILogger<KeyValueStateMachine>? logger = null) => _log = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>The number of keys.</summary>
    public int Count => Volatile.Read(ref _pairs).Count;

    /// <summary>Entries whose data was not a command, since this instance was created.</summary>
    public long IgnoredEntries => Interlocked.Read(ref _ignored);

    /// <summary>The value of <paramref name="key"/> (a string value as its UTF-8 bytes).</summary>
    public bool TryGet(string key, out ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Volatile.Read(ref _pairs).TryGetValue(key, out var encoded))
        {
            value = Payload(encoded);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>The state's SHA-256 as lowercase hex (<see cref="KeyValueStateHash"/>), as the "hash" query answers it.</summary>
    public string StateHash() => Convert.ToHexStringLower(KeyValueStateHash.Of(Volatile.Read(ref _pairs)));

    /// <summary>The first <paramref name="max"/> keys in ordinal order.</summary>
    public IReadOnlyList<string> Keys(int max = MaxKeysReturned)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return [.. Volatile.Read(ref _pairs).Keys.Take(max)];
    }

    private static readonly ValueTask<object?> NoResult = new((object?)null);

    /// <summary>Sets or deletes; returns no result. Data that is not a command is ignored (logged), as anything a client wrote must not stop the node.</summary>
    public ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct)
    {
        if (entry.Type != LogEntryType.State)
            return NoResult;
        if (!MessagePackCodec.TryDecodeExact(entry.Data.Span, out var command, out var error))
        {
            Ignore(entry, $"the data is not MessagePack ({error})");
            return NoResult;
        }
        if (!command.TryGetProperty(KeyValueCommands.Op, out var opValue) || !opValue.TryGetString(out var op))
        {
            Ignore(entry, "the data is not a map with a string \"op\"");
            return NoResult;
        }
        if (!command.TryGetProperty(KeyValueCommands.KeyField, out var keyValue) || !keyValue.TryGetString(out var key))
        {
            Ignore(entry, $"the \"{op}\" command has no string \"key\"");
            return NoResult;
        }
        switch (op)
        {
            case KeyValueCommands.SetOp:
                if (!command.TryGetProperty(KeyValueCommands.ValueField, out var value) || value.Kind is not (MessagePackKind.Binary or MessagePackKind.String))
                {
                    Ignore(entry, "the \"set\" command has no binary or string \"value\"");
                    break;
                }
                // Re-encoded, so equal values are equal bytes on every node whatever form the client chose.
                Volatile.Write(ref _pairs, _pairs.SetItem(key, MessagePackCodec.Encode(value)));
                break;
            case KeyValueCommands.DeleteOp:
                Volatile.Write(ref _pairs, _pairs.Remove(key));
                break;
            default:
                Ignore(entry, $"\"{op}\" is not a command (set, del)");
                break;
        }
        return NoResult;
    }

    public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct)
    {
        if (!MessagePackCodec.TryDecodeExact(request.Span, out var query, out var error))
            throw new InvalidDataException($"the query is not MessagePack: {error}");
        if (!query.TryGetProperty(KeyValueCommands.Op, out var opValue) || !opValue.TryGetString(out var op))
            throw new InvalidDataException("the query is not a map with a string \"op\"");
        var pairs = Volatile.Read(ref _pairs);
        switch (op)
        {
            case KeyValueCommands.GetOp:
                if (!query.TryGetProperty(KeyValueCommands.KeyField, out var keyValue) || !keyValue.TryGetString(out var key))
                    throw new InvalidDataException("the \"get\" query has no string \"key\"");
                return new(pairs.TryGetValue(key, out var encoded) ? encoded : MessagePackCodec.Encode(MessagePackValue.Nil));
            case KeyValueCommands.CountOp:
                return new(MessagePackCodec.Encode(MessagePackValue.From((long)pairs.Count)));
            case KeyValueCommands.KeysOp:
                return new(MessagePackCodec.Encode(MessagePackValue.Array(pairs.Keys.Take(MaxKeysReturned).Select(MessagePackValue.From))));
            case KeyValueCommands.HashOp:
                return new(MessagePackCodec.Encode(MessagePackValue.FromBinary(KeyValueStateHash.Of(pairs))));
            default:
                throw new InvalidDataException($"\"{op}\" is not a query (get, count, keys, hash)");
        }
    }

    public ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return KeyValueSnapshotFormat.WriteAsync(destination, Volatile.Read(ref _pairs), ct);
    }

    /// <summary>The map is immutable: the view is the map as it is now, written while applies go on.</summary>
    public Func<Stream, CancellationToken, ValueTask> CaptureSnapshot()
    {
        var view = Volatile.Read(ref _pairs);
        return (destination, ct) => KeyValueSnapshotFormat.WriteAsync(destination, view, ct);
    }

    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        // Built aside and swapped in whole: a corrupt snapshot leaves the old state.
        var pairs = await KeyValueSnapshotFormat.ReadAsync(source, ct).ConfigureAwait(false);
        Volatile.Write(ref _pairs, pairs);
    }

    private void Ignore(LogEntry entry, string reason)
    {
        if (Interlocked.Increment(ref _ignored) == 1)
            _log.LogWarning("Ignoring a STATE entry that is not a key-value command (request id {RequestId}, {Size} bytes): {Reason}. Further ones are only counted", entry.RequestId, entry.Data.Length, reason);
        else
            _log.LogDebug("Ignoring a STATE entry that is not a key-value command (request id {RequestId}): {Reason}", entry.RequestId, reason);
    }

    /// <summary>The payload of an encoded string or binary (see <see cref="MessagePackStreamReader"/> for the forms).</summary>
    private static ReadOnlyMemory<byte> Payload(byte[] encoded)
    {
        var marker = encoded[0];
        var header = marker switch
        {
            >= 0xa0 and <= 0xbf => 1,
            0xd9 or 0xc4 => 2,
            0xda or 0xc5 => 3,
            _ => 5,
        };
        return encoded.AsMemory(header);
    }
}
