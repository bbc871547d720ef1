using RaftRunner.Protocol;
using RaftRunner.Raft.Log;

namespace RaftRunner.Raft.Requests;

/// <summary>
/// Cuts the entries first..last into RequestEntries batches exactly where zmq-raft's FileLog stream cuts them
/// (<c>createEntriesReadStream</c>: logstream.js with indexfile.js's entry extractor), so a client sees the same
/// responses from us as from a zmq-raft leader. zmq-raft reads one index file at a time, 64 KiB per read counted
/// from the first requested entry of that file; after each read, the entries the read completed go out in
/// batches of up to 4096 entries, a batch closing as soon as it holds 64 KiB or more. So a batch never spans two
/// reads or two index files, and an entry larger than a read goes out once the read that completes it is done.
/// </summary>
/// <remarks>
/// Entries are read from the log one at a time, when the next batch is cut: the log reader does not tell an
/// entry's size without reading it, and reading ahead in groups could pull in many large entries at once. At
/// most one entry (the one the current read has not completed) is held between batches.
/// </remarks>
internal sealed class FileLogBatchCutter(long firstIndex, long lastIndex, int indexFileCapacity)
{
    private const int MaxBatchEntries = 4096;     // logstream.js DEFAULT_MAX_CHUNK_ENTRIES
    private const int MaxBatchBytes = 64 * 1024;  // logstream.js DEFAULT_MAX_CHUNK_SIZE
    private const int ReadBytes = 64 * 1024;      // the file stream's highWaterMark: max(8 KiB, MaxBatchBytes)

    private long _next = firstIndex;   // first index of the next batch
    private LogEntry? _held;           // the entry at _next, when already read
    private long _fileEnd = -1;        // last index read from the current index file (at most lastIndex)
    private long _readBytes;           // bytes of that file read so far, from the first entry requested of it
    private long _cutBytes;            // bytes of it already put into batches

    public long NextIndex => _next;

    public bool Finished => _next > lastIndex;

    /// <summary>Whether every entry still to be read is in the log (a compaction may have removed them since).</summary>
    public bool CanContinue(IRaftLogReader log)
    {
        var nextUnread = _held is null ? _next : _next + 1;
        return nextUnread > lastIndex || nextUnread > log.SnapshotIndex;
    }

    public IReadOnlyList<LogEntry> Next(IRaftLogReader log)
    {
        var batch = new List<LogEntry>();
        long size = 0;
        while (!Finished && batch.Count < MaxBatchEntries && size < MaxBatchBytes)
        {
            if (_next > _fileEnd)
            {
                if (batch.Count > 0)
                    break; // the file's stream has ended, and with it the batch
                // Index files hold capacity-aligned index ranges (indexfile.js:94-95).
                _fileEnd = Math.Min(lastIndex, ((_next / indexFileCapacity) + 1) * indexFileCapacity - 1);
                _readBytes = _cutBytes = 0;
            }
            var entry = _held ??= log.Entries(_next, _next)[0];
            if (_cutBytes + entry.Size > _readBytes)
            {
                if (batch.Count > 0)
                    break; // the batch ends with the last entry the read completed
                _readBytes += ReadBytes;
                continue;
            }
            _held = null;
            _cutBytes += entry.Size;
            size += entry.Size;
            batch.Add(entry);
            _next++;
        }
        return batch;
    }
}
