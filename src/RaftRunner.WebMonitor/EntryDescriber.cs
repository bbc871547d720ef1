using System.Globalization;
using System.Text;
using RaftRunner.Protocol;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.WebMonitor;

/// <summary>
/// Turns a log entry into an <see cref="EntryView"/>: the key-value state machine's commands (MessagePack maps
/// <c>{"op":"set","key":k,"value":v}</c> and <c>{"op":"del","key":k}</c>, see <c>KeyValueCommands</c>) are decoded;
/// any other STATE data is shown by size, a CONFIG entry by its peers.
/// </summary>
internal static class EntryDescriber
{
    /// <summary>Longest key or value shown, in characters; the rest is cut.</summary>
    public const int MaxValueLength = 120;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static EntryView Describe(long index, LogEntry entry)
    {
        var requestId = entry.RequestId;
        var time = requestId == RequestId.Zero ? null : requestId.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var data = entry.Data.Span;
        var view = new EntryView(index, (long)entry.Term, TypeName(entry.Type), requestId.ToString(), time, data.Length, null, null, null, false, null);
        return entry.Type switch
        {
            LogEntryType.State => DescribeState(view, data),
            LogEntryType.Config => view with
            {
                Summary = ConfigEntryData.TryDecode(data, out var config, out var error) ? config.ToString() : $"unreadable configuration: {error}",
            },
            _ => view,
        };
    }

    private static EntryView DescribeState(EntryView view, ReadOnlySpan<byte> data)
    {
        if (MessagePackCodec.TryDecodeExact(data, out var value, out _)
            && value.TryGetProperty("op", out var opValue) && opValue.TryGetString(out var op)
            && value.TryGetProperty("key", out var keyValue) && keyValue.TryGetString(out var key))
        {
            if (op == "set" && value.TryGetProperty("value", out var setValue))
            {
                var (text, truncated) = Show(setValue);
                var (shownKey, keyCut) = Cut(key);
                return view with { Op = op, Key = shownKey, Value = text, Truncated = truncated || keyCut };
            }
            if (op == "del")
            {
                var (shownKey, keyCut) = Cut(key);
                return view with { Op = op, Key = shownKey, Truncated = keyCut };
            }
        }
        return view with { Summary = data.Length == 1 ? "1 byte" : $"{data.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes" };
    }

    /// <summary>A value as text: a string as it is, a binary as UTF-8 when it is valid UTF-8, else as hex.</summary>
    private static (string Text, bool Truncated) Show(MessagePackValue value)
    {
        if (value.TryGetString(out var text))
            return Cut(text);
        if (value.TryGetBinary(out var binary))
        {
            try
            {
                return Cut(StrictUtf8.GetString(binary.Span));
            }
            catch (DecoderFallbackException)
            {
                var hex = Convert.ToHexStringLower(binary.Span[..Math.Min(binary.Length, MaxValueLength / 2)]);
                return ("0x" + hex, binary.Length > MaxValueLength / 2);
            }
        }
        return Cut(value.ToString(MaxValueLength + 1));
    }

    private static (string Text, bool Truncated) Cut(string text)
    {
        if (text.Length <= MaxValueLength)
            return (text, false);
        var length = char.IsHighSurrogate(text[MaxValueLength - 1]) ? MaxValueLength - 1 : MaxValueLength; // never half a pair
        return (text[..length], true);
    }

    private static string TypeName(LogEntryType type) => type switch
    {
        LogEntryType.State => "state",
        LogEntryType.Config => "config",
        LogEntryType.Checkpoint => "checkpoint",
        _ => type.ToString().ToLowerInvariant(),
    };
}
