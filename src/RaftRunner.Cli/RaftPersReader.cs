using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Cli;

/// <summary>What a <c>raft.pers</c> holds: the state its records add up to, read without opening it for writing.</summary>
/// <param name="FileSize">bytes in the file.</param>
/// <param name="Records">complete records (MessagePack maps) read.</param>
/// <param name="Values">every key's last value, in the order keys were first stored.</param>
/// <param name="TornTailOffset">where an incomplete last record starts (a crash during an append; zmq-raft and RaftRunner ignore it and roll the file on the next update), or null.</param>
/// <param name="Problem">what makes the file unreadable past some offset (a malformed record), or null.</param>
internal sealed record RaftPersContents(long FileSize, int Records, IReadOnlyList<KeyValuePair<string, MessagePackValue>> Values, long? TornTailOffset, string? Problem)
{
    public MessagePackValue? this[string key] => Values.LastOrDefault(v => v.Key == key) is { Key: not null } found ? found.Value : null;
}

/// <summary>
/// Reads zmq-raft's state file format (ACID.md "State File": MessagePack maps, later keys winning) read-only. The
/// storage library's <c>FilePersistence</c> opens the file for writing (and removes leftover temporary files), which
/// an inspection must not do, so this reads the bytes with the same rules instead.
/// </summary>
internal static class RaftPersReader
{
    public static RaftPersContents Read(string path)
    {
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        var values = new List<KeyValuePair<string, MessagePackValue>>();
        var records = 0;
        var position = 0;
        while (position < bytes.Length)
        {
            var rest = bytes.AsSpan(position);
            if (!rest.ContainsAnyExcept((byte)0))
                return new(bytes.Length, records, values, position, null); // zero-filled tail: an append that never landed
            if (!MessagePackCodec.TryDecode(rest, out var record, out var consumed, out var error))
            {
                var first = rest[0];
                var startsMap = first is >= 0x80 and <= 0x8f or 0xde or 0xdf;
                return startsMap && error.StartsWith("truncated", StringComparison.Ordinal)
                    ? new(bytes.Length, records, values, position, null)
                    : new(bytes.Length, records, values, null, $"undecodable record at offset {position}: {error}");
            }
            if (!record.TryGetMap(out var entries))
                return new(bytes.Length, records, values, null, $"the record at offset {position} is {record.Kind}, not a map");
            foreach (var (key, value) in entries)
            {
                if (!key.TryGetString(out var name))
                    return new(bytes.Length, records, values, null, $"the record at offset {position} has a {key.Kind} key");
                var existing = values.FindIndex(v => v.Key == name);
                if (existing >= 0)
                    values[existing] = new(name, value);
                else
                    values.Add(new(name, value));
            }
            records++;
            position += consumed;
        }
        return new(bytes.Length, records, values, null, null);
    }
}
