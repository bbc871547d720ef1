using RaftRunner.Protocol;

namespace RaftRunner.Storage.Tests.Log;

/// <summary>A temporary directory deleted when the test ends.</summary>
internal sealed class LogTempDirectory : IDisposable
{
    public LogTempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rr-log-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Entries with predictable content: entry i has a request id made from i, data "entry i".</summary>
internal static class LogEntries
{
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public static RequestId Id(long i, DateTimeOffset? time = null)
    {
        var bytes = new byte[RequestId.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(time ?? Now).ToUnixTimeSeconds());
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(4), i + 1);
        return RequestId.FromBytes(bytes);
    }

    public static LogEntry Make(long i, ulong term = 1, LogEntryType? type = null, DateTimeOffset? time = null)
    {
        var kind = type ?? (LogEntryType)(i % 3);
        if (kind == LogEntryType.Checkpoint)
            return LogEntry.Checkpoint(term);
        var data = System.Text.Encoding.UTF8.GetBytes($"entry {i}" + new string('x', (int)(i % 7)));
        return LogEntry.Create(Id(i, time), kind, term, data);
    }

    public static List<LogEntry> Range(long from, int count, ulong term = 1, DateTimeOffset? time = null)
    {
        var list = new List<LogEntry>(count);
        for (var i = 0; i < count; i++)
            list.Add(Make(from + i, term, time: time));
        return list;
    }

    public static void AssertSame(IReadOnlyList<LogEntry> expected, IReadOnlyList<LogEntry> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Raw.Span.SequenceEqual(actual[i].Raw.Span), $"entry {i} differs: {expected[i]} vs {actual[i]}");
    }
}

/// <summary>A clock the test sets.</summary>
internal sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
