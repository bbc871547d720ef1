using System.Runtime.CompilerServices;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Client;

// Following the log: the leader's StateBroadcast PUB, gaps filled with RequestEntries (zmq-raft's ZmqRaftSubscriber).
public sealed partial class RaftClient
{
    /// <summary>
    /// Every entry after <paramref name="afterIndex"/>, in order and each once, for as long as the caller keeps
    /// reading: the leader's StateBroadcasts (its PUB url found with RequestBroadcastStateUrl on the leader), with
    /// whatever they skip — entries applied before the subscription joined, broadcasts lost or dropped because the
    /// consumer fell behind — read from the log (<see cref="ReadEntriesAsync(long, long, CancellationToken)"/>,
    /// snapshot chunks included when the leader's log no longer holds them). When no broadcast arrives within
    /// <see cref="RaftClientOptions.BroadcastTimeout"/> (the leader changed or died) it finds the leader and its PUB
    /// again. Ends only when <paramref name="ct"/> is cancelled or the client is disposed.
    /// </summary>
    public async IAsyncEnumerable<RaftLogItem> SubscribeAsync(long afterIndex, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterIndex);
        ThrowIfDisposed();
        var last = afterIndex;
        using var subscription = _io.Subscribe(_secret.ToArray());
        string? publisher = null;
        while (true)
        {
            ThrowIfDisposed();
            ct.ThrowIfCancellationRequested();
            if (publisher is null)
            {
                publisher = await FindPublisherAsync(Deadline.Never, ct).ConfigureAwait(false);
                subscription.Connect(publisher);
                ClientLog.Subscribed(_log, publisher);
            }
            var frames = await subscription.ReceiveAsync(_options.BroadcastTimeout, ct).ConfigureAwait(false);
            if (frames is null)
            {
                ClientLog.BroadcastTimeout(_log, _options.BroadcastTimeout);
                publisher = null;
                continue;
            }
            if (!StateBroadcast.TryDecode(frames, _secret.Span, out var broadcast, out var error))
            {
                ClientLog.Malformed(_log, "StateBroadcast", publisher, error!.ToString());
                continue;
            }
            // Broadcasts carry applied, hence committed, entries: whichever leader sent one, it is the log.
            var lastIndex = (long)broadcast.LastIndex;
            var firstIndex = lastIndex - broadcast.Entries.Count + 1;
            if (lastIndex <= last)
                continue;
            if (firstIndex > last + 1)
            {
                ClientLog.FillingGap(_log, last + 1, firstIndex - 1);
                var gap = ReadEntriesAsync(last, firstIndex - 1, ct).GetAsyncEnumerator(ct);
                await using var gapScope = gap.ConfigureAwait(false);
                while (await NextOrTimeoutAsync(gap).ConfigureAwait(false))
                {
                    switch (gap.Current)
                    {
                        case LogEntryItem entry when entry.Index > last:
                            last = entry.Index;
                            yield return entry;
                            break;
                        case SnapshotChunkItem chunk when chunk.Index > last:
                            if (chunk.IsLastChunk)
                                last = chunk.Index;
                            yield return chunk;
                            break;
                    }
                }
                if (firstIndex > last + 1)
                    continue; // the leader had not applied that far, or could not be reached: the next broadcast tries again
            }
            for (var i = (int)Math.Max(0, last + 1 - firstIndex); i < broadcast.Entries.Count; i++)
            {
                last = firstIndex + i;
                yield return new LogEntryItem(last, broadcast.Entries[i]);
            }
        }
    }

    /// <summary>
    /// The next item of a gap-filling read, or false when the read ended — also when it timed out: a subscription
    /// outlives any outage, so it goes back to waiting for broadcasts and tries again at the next one.
    /// </summary>
    private async Task<bool> NextOrTimeoutAsync(IAsyncEnumerator<RaftLogItem> read)
    {
        try
        {
            return await read.MoveNextAsync().ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            ClientLog.GapNotFilled(_log, e.Message);
            return false;
        }
    }
}
